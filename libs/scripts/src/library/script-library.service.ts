import { Injectable } from '@nestjs/common';
import { CampaignService, scriptReferences } from '@huashu/campaigns';
import { HuashuException } from '@huashu/common';
import type { Script } from '../script-matcher.port.js';
import {
  ScriptLibraryRepository,
  scriptEtag,
  type ScriptAuditEntry,
  type VersionMeta,
} from './script-library.repository.js';
import { SCRIPT_LIMITS, scriptInputSchema, zodDetails, type ScriptInput } from './script.schema.js';

/** Who made a change, for the audit log. */
export interface Actor {
  keyId: string;
}

export interface ScriptWithEtag {
  script: Script;
  etag: string;
}

export type ImportMode = 'upsert' | 'replace';

/** Told about every committed import: the campaign and the enabled texts it added or changed. */
export type ImportListener = (campaignId: string, changedTexts: string[]) => Promise<void>;

export interface ImportResult {
  mode: ImportMode;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  total: number;
}

/** Attempts of the optimistic write loops before answering 409 (only under heavy contention). */
const MAX_CAS_ATTEMPTS = 5;

const conflict = (what: string) => new HuashuException('CONFLICT', `${what} is being changed concurrently; retry`);

/** Same content (the fields a client controls)? Then an upsert leaves the script untouched. */
const sameContent = (a: Script, b: ScriptInput): boolean =>
  a.text === b.text &&
  a.intent === b.intent &&
  a.stage === b.stage &&
  a.fallback === b.fallback &&
  a.threshold === b.threshold &&
  a.enabled === b.enabled &&
  JSON.stringify(a.tags) === JSON.stringify(b.tags);

/**
 * The script library of each campaign: a draft that editors change, immutable published versions,
 * publish and rollback, ETags on every script and an audit entry for every change.
 */
@Injectable()
export class ScriptLibraryService {
  private readonly importListeners: ImportListener[] = [];

  constructor(
    private readonly repo: ScriptLibraryRepository,
    private readonly campaigns: CampaignService,
  ) {}

  /**
   * Called after every successful import and awaited by it (the index service embeds the new texts
   * there, so a publish right after the import embeds nothing, then prepares the draft index).
   */
  onImported(listener: ImportListener): void {
    this.importListeners.push(listener);
  }

  /** Validate one script input; throws VALIDATION_FAILED with the field details. */
  parseInput(raw: unknown): ScriptInput {
    const parsed = scriptInputSchema.safeParse(raw);
    if (!parsed.success) throw new HuashuException('VALIDATION_FAILED', 'invalid script', zodDetails(parsed.error));
    return parsed.data;
  }

  /**
   * `c` when the campaign exists, else 404 NOT_FOUND as `GET /v1/admin/campaigns/{id}` answers: a read of a
   * campaign nobody created (a typo in `?campaign=`) must not look like an empty library. Writes that
   * create (`create`, `import`: DESIGN §4, "created with the defaults on its first script import") do not
   * ask this.
   */
  async requireCampaign(c: string): Promise<string> {
    if (!(await this.campaigns.exists(c))) {
      throw new HuashuException('NOT_FOUND', `campaign ${c} does not exist`, [{ campaignId: c }]);
    }
    return c;
  }

  async list(c: string, version?: number | 'draft'): Promise<{ version: number | 'draft'; scripts: Script[] }> {
    const v = version ?? 'draft';
    const raw = v === 'draft' ? (await this.repo.draftAll(c)).scripts : await this.versionOrThrow(c, v);
    return { version: v, scripts: Object.values(raw).map(parseScript).sort(byId) };
  }

  async get(c: string, id: string, version: number | 'draft' = 'draft'): Promise<ScriptWithEtag> {
    const json = version === 'draft' ? await this.repo.draftOne(c, id) : await this.repo.versionOne(c, version, id);
    if (json === undefined) throw new HuashuException('NOT_FOUND', `script ${id} not found in ${c} (${version})`);
    return { script: parseScript(json), etag: scriptEtag(json) };
  }

  async create(c: string, raw: unknown, actor: Actor): Promise<ScriptWithEtag> {
    const input = this.parseInput(raw);
    await this.campaigns.ensure(c, actor);
    const script = this.toScript(c, input, 1, actor);
    const json = JSON.stringify(script);
    if (!(await this.repo.writeOne(c, input.id, undefined, json, actor.keyId, 'create'))) {
      throw new HuashuException('CONFLICT', `script ${input.id} already exists; use PUT to change it`);
    }
    return { script, etag: scriptEtag(json) };
  }

  /** Replace a script (PUT). `ifMatch` makes it conditional: 412 when the script changed. */
  async replace(c: string, id: string, raw: unknown, actor: Actor, ifMatch?: string): Promise<ScriptWithEtag> {
    const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { id, ...raw } : raw;
    const input = this.parseInput(body);
    if (input.id !== id) {
      throw new HuashuException('VALIDATION_FAILED', 'id in the body differs from the path', [{ field: 'id' }]);
    }
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cur = await this.repo.draftOne(c, id);
      if (cur === undefined) throw new HuashuException('NOT_FOUND', `script ${id} not found in ${c}`);
      checkIfMatch(ifMatch, cur);
      const prev = parseScript(cur);
      const script = this.toScript(c, input, prev.version + 1, actor);
      const json = JSON.stringify(script);
      if (await this.repo.writeOne(c, id, cur, json, actor.keyId, 'update')) return { script, etag: scriptEtag(json) };
    }
    throw conflict(`script ${id}`);
  }

  /** Delete a script of the draft: 409 while the campaign's settings name it (`requireUnnamed`). */
  async remove(c: string, id: string, actor: Actor, ifMatch?: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cur = await this.repo.draftOne(c, id);
      if (cur === undefined) throw new HuashuException('NOT_FOUND', `script ${id} not found in ${c}`);
      checkIfMatch(ifMatch, cur);
      await this.requireUnnamed(c, [id]);
      if (await this.repo.writeOne(c, id, cur, undefined, actor.keyId, 'delete')) return;
    }
    throw conflict(`script ${id}`);
  }

  /**
   * Import rows into the draft. Every row is validated first; one bad row rejects the whole import
   * with its (1-based) row number and reason, and nothing is written. `replace` deletes scripts
   * missing from the import; `upsert` keeps them.
   */
  async import(c: string, rows: unknown[], mode: ImportMode, actor: Actor): Promise<ImportResult> {
    if (rows.length > SCRIPT_LIMITS.importMaxRows) {
      throw new HuashuException('PAYLOAD_TOO_LARGE', `an import holds at most ${SCRIPT_LIMITS.importMaxRows} scripts`, [
        { rows: rows.length },
      ]);
    }
    const inputs: ScriptInput[] = [];
    const seen = new Map<string, number>();
    for (const [i, row] of rows.entries()) {
      const parsed = scriptInputSchema.safeParse(row);
      if (!parsed.success) {
        throw new HuashuException('VALIDATION_FAILED', `import row ${i + 1} is invalid; nothing was imported`, [
          { row: i + 1, issues: zodDetails(parsed.error) },
        ]);
      }
      const first = seen.get(parsed.data.id);
      if (first !== undefined) {
        throw new HuashuException('VALIDATION_FAILED', `import row ${i + 1} repeats id ${parsed.data.id}`, [
          { row: i + 1, issues: [{ field: 'id', rule: `duplicate of row ${first}` }] },
        ]);
      }
      seen.set(parsed.data.id, i + 1);
      inputs.push(parsed.data);
    }
    await this.campaigns.ensure(c, actor);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const { rev, scripts } = await this.repo.draftAll(c);
      const kept = mode === 'upsert' ? Object.keys(scripts).length : 0;
      if (kept + inputs.filter((s) => !(s.id in scripts)).length > SCRIPT_LIMITS.maxScripts) {
        throw new HuashuException('PAYLOAD_TOO_LARGE', `a library holds at most ${SCRIPT_LIMITS.maxScripts} scripts`);
      }
      const result: ImportResult = { mode, created: 0, updated: 0, unchanged: 0, deleted: 0, total: 0 };
      const writes: { id: string; json: string }[] = [];
      const changedTexts: string[] = [];
      for (const input of inputs) {
        const prevJson = scripts[input.id];
        const prev = prevJson === undefined ? undefined : parseScript(prevJson);
        if (prev && sameContent(prev, input)) {
          result.unchanged++;
          if (mode === 'replace') writes.push({ id: input.id, json: prevJson });
          continue;
        }
        if (prev) result.updated++;
        else result.created++;
        if (input.enabled && prev?.text !== input.text) changedTexts.push(input.text);
        writes.push({ id: input.id, json: JSON.stringify(this.toScript(c, input, (prev?.version ?? 0) + 1, actor)) });
      }
      if (mode === 'replace') {
        const deleted = Object.keys(scripts).filter((id) => !seen.has(id));
        await this.requireUnnamed(c, deleted);
        result.deleted = deleted.length;
      }
      result.total = mode === 'replace' ? inputs.length : Object.keys(scripts).length + result.created;
      const summary = { ...result, ids: writes.slice(0, 200).map((w) => w.id) };
      if (await this.repo.importAll(c, rev, mode, writes, actor.keyId, summary)) {
        for (const listener of this.importListeners) await listener(c, changedTexts);
        return result;
      }
    }
    throw conflict(`the draft of ${c}`);
  }

  /**
   * 409 CONFLICT when the campaign's settings name one of `ids` (opening, goodbye, follow-ons …:
   * `scriptReferences`): deleting it would leave a setting that names nothing, which a call finds
   * out as silence or the wrong line. The details name each setting; change it first.
   */
  private async requireUnnamed(c: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    const named = scriptReferences(await this.campaigns.get(c)).filter((r) => gone.has(r.scriptId));
    if (named.length === 0) return;
    const scripts = [...new Set(named.map((r) => r.scriptId))].join(', ');
    throw new HuashuException(
      'CONFLICT',
      `the campaign’s settings name ${scripts}; change them before deleting it`,
      named.map((r) => ({ field: r.field, scriptId: r.scriptId })),
    );
  }

  /** Copy the draft into a new immutable version, not yet current (see LibraryPublisher). */
  async stage(c: string, actor: Actor): Promise<VersionMeta> {
    const n = await this.repo.stage(c, actor.keyId);
    if (n < 0) throw new HuashuException('UNPROCESSABLE', `the draft of ${c} is empty; nothing to publish`);
    const meta = (await this.repo.versions(c)).find((v) => v.version === n);
    if (!meta) throw new HuashuException('INTERNAL', `version ${n} vanished after staging`);
    return meta;
  }

  /** Remove a staged version whose publish failed, so it can be neither listed nor rolled back to. */
  async discard(c: string, version: number): Promise<void> {
    await this.repo.discard(c, version);
  }

  /** Make a staged version current and announce it to every gateway. */
  async activate(c: string, version: number, actor: Actor): Promise<number> {
    const prev = await this.repo.switchTo(c, version, actor.keyId, 'publish');
    if (prev < 0) throw new HuashuException('NOT_FOUND', `version ${version} of ${c} does not exist`);
    return prev;
  }

  async rollback(c: string, version: number, actor: Actor): Promise<{ version: number; previous: number }> {
    const prev = await this.repo.switchTo(c, version, actor.keyId, 'rollback');
    if (prev < 0) throw new HuashuException('NOT_FOUND', `version ${version} of ${c} does not exist`);
    return { version, previous: prev };
  }

  /** Whether `version` of `c` was published (one field read, not every version's metadata). */
  hasVersion(c: string, version: number): Promise<boolean> {
    return this.repo.hasVersion(c, version);
  }

  async versions(c: string): Promise<{ current?: number; versions: VersionMeta[] }> {
    const [current, versions] = await Promise.all([this.repo.current(c), this.repo.versions(c)]);
    return { current, versions };
  }

  current(c: string): Promise<number | undefined> {
    return this.repo.current(c);
  }

  /** The ids of the draft's scripts, without reading the scripts (what campaign settings may name). */
  draftIds(c: string): Promise<string[]> {
    return this.repo.draftIds(c);
  }

  draftRev(c: string): Promise<number> {
    return this.repo.draftRev(c);
  }

  audit(c: string, count?: number): Promise<ScriptAuditEntry[]> {
    return this.repo.audit(c, count);
  }

  /** All scripts of a version (or the draft) as stored, sorted by id. */
  async scriptsOf(c: string, version: number | 'draft'): Promise<{ rev?: number; scripts: Script[] }> {
    if (version === 'draft') {
      const { rev, scripts } = await this.repo.draftAll(c);
      return { rev, scripts: Object.values(scripts).map(parseScript).sort(byId) };
    }
    return {
      scripts: Object.values(await this.versionOrThrow(c, version))
        .map(parseScript)
        .sort(byId),
    };
  }

  campaignsWithScripts(): Promise<string[]> {
    return this.repo.campaigns();
  }

  private async versionOrThrow(c: string, n: number): Promise<Record<string, string>> {
    const raw = await this.repo.versionAll(c, n);
    if (Object.keys(raw).length === 0) throw new HuashuException('NOT_FOUND', `version ${n} of ${c} does not exist`);
    return raw;
  }

  private toScript(c: string, input: ScriptInput, version: number, actor: Actor): Script {
    const script: Script = {
      id: input.id,
      campaignId: c,
      text: input.text,
      tags: input.tags,
      fallback: input.fallback,
      enabled: input.enabled,
      version,
      updatedAt: new Date().toISOString(),
      updatedBy: actor.keyId,
    };
    if (input.intent !== undefined) script.intent = input.intent as Script['intent'];
    if (input.stage !== undefined) script.stage = input.stage;
    if (input.threshold !== undefined) script.threshold = input.threshold;
    return script;
  }
}

const byId = (a: Script, b: Script): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const parseScript = (json: string): Script => JSON.parse(json) as Script;

/** If-Match may list several ETags or `*` (RFC 9110 §13.1.1). */
function checkIfMatch(ifMatch: string | undefined, currentJson: string): void {
  if (ifMatch === undefined) return;
  const current = scriptEtag(currentJson);
  const ok = ifMatch.split(',').some((t) => t.trim() === '*' || t.trim() === current);
  if (!ok) {
    throw new HuashuException('PRECONDITION_FAILED', 'the script changed since it was read (If-Match)', [
      { currentEtag: current },
    ]);
  }
}

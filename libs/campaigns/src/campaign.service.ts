import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { HuashuException } from '@huashu/common';
import type { OnRedisDataLost } from '@huashu/redis';
import type { Campaign } from './campaign.js';
import { defaultCampaign } from './campaign.defaults.js';
import { campaignSchema, SERVER_OWNED_FIELDS } from './campaign.schema.js';
import { CampaignRepository, type AuditEntry, type StoredDoc } from './campaign.repository.js';
import { scriptReferences } from './script-references.js';

/** Who made a change, for the audit log. */
export interface ChangePrincipal {
  keyId: string;
}

export interface CampaignWithEtag {
  campaign: Campaign;
  etag: string;
}

/**
 * The script ids of a campaign's library (its draft), for checking the scripts its settings name; an
 * empty set for a campaign with no scripts yet.
 */
export type KnownScripts = (campaignId: string) => Promise<ReadonlySet<string>>;

/** Options of `CampaignService.update`. */
export interface UpdateOptions {
  /**
   * Check the scripts the patch names (opening, goodbye, default fallback, follow-ons, questions,
   * per-script intent examples: `scriptReferences`) against the campaign's library. A campaign with no scripts
   * yet is not checked: its settings come first and its scripts after (the sample campaign's seed,
   * an operator setting a campaign up); publish then warns about what its library lacks.
   */
  knownScripts?: KnownScripts;
  /**
   * `onlyCreate` (HTTP `If-None-Match: *`, RFC 9110 §13.1.2: a create that never overwrites) answers
   * 412 PRECONDITION_FAILED when the campaign exists. Otherwise a campaign that does not exist is
   * created from the defaults and the patch, except under `If-Match: *` (RFC 9110 §13.1.1: true only
   * when a current representation exists), which is 412 for it: the guard against a typo in the URL.
   */
  absent?: 'create' | 'onlyCreate';
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys a merge never copies (prototype pollution); update() refuses patches that hold them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deep merge of a JSON patch onto a document: objects merge key by key, arrays and scalars
 * replace, `null` removes a key (RFC 7396 JSON Merge Patch semantics).
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (RESERVED_KEYS.has(key)) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** The value at an issue's path, through objects only (in a patch, a null inside an array is a value). */
function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let node = doc;
  for (const key of path) {
    if (!isPlainObject(node) || typeof key !== 'string' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** A zod issue's rule, saying what a null in the patch did there. */
function ruleOf(issue: z.core.$ZodIssue, patch: unknown, merged: unknown): string {
  if (valueAt(patch, issue.path) !== null) return issue.message;
  // Gone after the merge: the member is required and the defaults have nothing to put back.
  if (valueAt(merged, issue.path) === undefined) return 'required and without a default: null cannot remove it';
  return `${issue.message} (null put the default back)`;
}

/** The path of the first key mergePatch would skip, if any. */
function reservedKeyPath(value: unknown, path: string[] = []): string[] | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (RESERVED_KEYS.has(key)) return [...path, key];
    const found = reservedKeyPath(child, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Attempts of the optimistic write loop before giving up with 409 (heavy contention only). */
const MAX_CAS_ATTEMPTS = 5;

/** Campaign settings: defaults filled, validated, versioned with ETags, every change audited. */
@Injectable()
export class CampaignService implements OnRedisDataLost {
  /** Recently read campaigns for hot paths (matching); dropped locally on every change. */
  private readonly cache = new Map<string, { at: number; campaign: Campaign }>();

  constructor(private readonly repo: CampaignRepository) {}

  /** Redis lost its data: a cached campaign must not outlive its stored document. */
  forgetRedisData(): void {
    this.cache.clear();
  }

  /**
   * The campaign, served from a per-process cache at most `maxAgeMs` old. Changes made through this
   * process are visible at once; changes made by another gateway after at most `maxAgeMs`.
   */
  async getCached(id: string, maxAgeMs = 1000): Promise<Campaign> {
    const hit = this.cache.get(id);
    if (hit && performance.now() - hit.at < maxAgeMs) return hit.campaign;
    const campaign = await this.get(id);
    this.cache.set(id, { at: performance.now(), campaign });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value as string);
    return campaign;
  }

  /** The campaign with defaults filled; a campaign never stored comes back as the defaults (version 0). */
  async get(id: string): Promise<Campaign> {
    return (await this.getWithEtag(id)).campaign;
  }

  async getWithEtag(id: string): Promise<CampaignWithEtag> {
    const stored = await this.repo.read(id);
    if (!stored) return { campaign: defaultCampaign(id), etag: '"0"' };
    return { campaign: this.withDefaults(id, stored), etag: stored.etag };
  }

  async exists(id: string): Promise<boolean> {
    return (await this.repo.read(id)) !== undefined;
  }

  async list(): Promise<string[]> {
    return this.repo.ids();
  }

  /** Create the campaign with the defaults unless it exists (first script import). */
  async ensure(id: string, principal: ChangePrincipal): Promise<Campaign> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = await this.repo.read(id);
      if (stored) return this.withDefaults(id, stored);
      const doc = this.stamp(defaultCampaign(id), 0, principal);
      if (await this.repo.compareAndSet(id, undefined, JSON.stringify(doc), principal.keyId, 'create')) {
        this.cache.delete(id);
        return doc;
      }
    }
    throw new HuashuException('CONFLICT', `campaign ${id} is being changed concurrently; retry`);
  }

  /**
   * Apply a merge patch (or a whole document) and store a new version. `ifMatch` (an ETag) makes
   * the write conditional: 412 when the campaign changed since the client read it.
   */
  async update(
    id: string,
    patch: unknown,
    principal: ChangePrincipal,
    ifMatch?: string,
    opts: UpdateOptions = {},
  ): Promise<CampaignWithEtag> {
    if (!isPlainObject(patch)) throw new HuashuException('VALIDATION_FAILED', 'body must be a JSON object');
    const owned = SERVER_OWNED_FIELDS.filter((f) => f in patch);
    if (owned.length) {
      throw new HuashuException('VALIDATION_FAILED', 'fields owned by the server cannot be set', [{ fields: owned }]);
    }
    const reserved = reservedKeyPath(patch);
    if (reserved) {
      // mergePatch skips these (prototype pollution): refuse them rather than drop them silently
      // (a script may well be called "constructor").
      throw new HuashuException('VALIDATION_FAILED', `key ${reserved.at(-1)} cannot be set`, [
        { path: reserved.join('.') },
      ]);
    }
    // null removes the id like any member, and it goes back to its default: the path's.
    if ('id' in patch && patch.id !== null && patch.id !== id) {
      throw new HuashuException('VALIDATION_FAILED', 'id in the body differs from the path', [{ field: 'id' }]);
    }
    const absent = opts.absent ?? 'create';
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const stored = await this.repo.read(id);
      if (!stored && ifMatch?.split(',').some((t) => t.trim() === '*')) {
        throw new HuashuException('PRECONDITION_FAILED', `campaign ${id} does not exist (If-Match: *)`, [
          { campaignId: id },
        ]);
      }
      if (stored && absent === 'onlyCreate') {
        throw new HuashuException('PRECONDITION_FAILED', `campaign ${id} exists (If-None-Match: *)`, [
          { currentEtag: stored.etag },
        ]);
      }
      const currentEtag = stored?.etag ?? '"0"';
      if (ifMatch !== undefined && !etagMatches(ifMatch, currentEtag)) {
        throw new HuashuException('PRECONDITION_FAILED', 'the campaign changed since it was read (If-Match)', [
          { currentEtag },
        ]);
      }
      const current = stored ? this.withDefaults(id, stored) : defaultCampaign(id);
      // null removes a member (RFC 7396); one the campaign has a default for goes back to it, as a
      // stored document missing it would read.
      const merged = mergePatch(defaultCampaign(id), mergePatch(current, patch));
      const parsed = campaignSchema.safeParse(merged);
      if (!parsed.success) {
        throw new HuashuException(
          'VALIDATION_FAILED',
          'invalid campaign settings',
          parsed.error.issues.map((i) => ({ field: i.path.join('.'), rule: ruleOf(i, patch, merged) })),
        );
      }
      if (opts.knownScripts) await this.checkScriptReferences(id, patch, parsed.data, opts.knownScripts);
      const doc = this.stamp(parsed.data, current.version, principal);
      const json = JSON.stringify(doc);
      if (await this.repo.compareAndSet(id, stored, json, principal.keyId, stored ? 'update' : 'create')) {
        this.cache.delete(id);
        return { campaign: doc, etag: (await this.repo.read(id))?.etag ?? '"0"' };
      }
    }
    throw new HuashuException('CONFLICT', `campaign ${id} is being changed concurrently; retry`);
  }

  /**
   * 400 for a setting the patch declares that names a script missing from the campaign's (non-empty)
   * library: every setting that names a script (`scriptReferences`), one details entry each.
   */
  private async checkScriptReferences(
    id: string,
    patch: Record<string, unknown>,
    campaign: Campaign,
    knownScripts: KnownScripts,
  ): Promise<void> {
    // Only what this patch sets: a setting stored earlier is the delete check's and publish's to report,
    // and an unrelated edit must not fail because of it.
    const declared = scriptReferences(campaign).filter((r) => valueAt(patch, r.path) !== undefined);
    if (declared.length === 0) return;
    const known = await knownScripts(id);
    const missing = known.size === 0 ? [] : declared.filter((r) => !known.has(r.scriptId));
    if (missing.length > 0) {
      throw new HuashuException(
        'VALIDATION_FAILED',
        'invalid campaign settings',
        missing.map((r) => ({
          field: r.field,
          rule: 'must be a script of the campaign’s library',
          scriptId: r.scriptId,
        })),
      );
    }
  }

  audit(id: string, count?: number): Promise<AuditEntry[]> {
    return this.repo.audit(id, count);
  }

  private stamp(doc: Campaign, previousVersion: number, principal: ChangePrincipal): Campaign {
    return { ...doc, version: previousVersion + 1, updatedAt: new Date().toISOString(), updatedBy: principal.keyId };
  }

  /** Stored documents are filled with the current defaults, so fields added later get a value. */
  private withDefaults(id: string, stored: StoredDoc): Campaign {
    return mergePatch(defaultCampaign(id), JSON.parse(stored.json)) as Campaign;
  }
}

/** If-Match may list several ETags or `*`; weak validators never match (RFC 9110 §13.1.1). */
export function etagMatches(ifMatch: string, current: string): boolean {
  const tags = ifMatch.split(',').map((t) => t.trim());
  return tags.some((t) => t === '*' || t === current);
}

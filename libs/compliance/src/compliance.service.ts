import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import type { z } from 'zod';
import { HuashuException, MetricsRegistry, nowMs, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import type { OnRedisDataLost } from '@huashu/redis';
import type { CheckOptions, ComplianceChecker, ComplianceResult, Direction } from './compliance.port.js';
import { ComplianceEngine } from './engine/compliance-engine.js';
import { ComplianceStream } from './engine/compliance-stream.js';
import {
  categoryTerms,
  lexiconDocumentSchema,
  loadDefaultLexicon,
  PII_CATEGORIES,
  type LexiconDocument,
} from './engine/lexicon.js';
import { loadDefaultPolicy, mergePolicies, policySchema, type CompliancePolicy } from './engine/policy.js';
import { ComplianceStore, type AuditRecord, type DocumentKind } from './store/compliance.store.js';

export const DEFAULT_COMPLIANCE_CAMPAIGN = 'default';
const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** How long a gateway trusts its cached campaign lexicon/policy before re-reading the versions. */
const CACHE_TTL_MS = 1000;

/** What GET returns for a lexicon or a policy. */
export interface VersionedView<T> {
  campaign: string;
  version: number;
  /** `default`: the shipped file; `campaign`: the campaign's edited copy. */
  source: 'default' | 'campaign';
  updatedAt?: string;
  updatedBy?: string;
  document: T;
}

interface Resolved {
  engine: ComplianceEngine;
  policy: CompliancePolicy;
  lexiconVersion?: number;
  policyVersion?: number;
  checkedAt: number;
}

interface Who {
  role: string;
  keyId: string;
}

@Injectable()
export class ComplianceService implements ComplianceChecker, OnModuleInit, OnRedisDataLost {
  private readonly logger = new Logger('Compliance');
  private defaultLexicon!: LexiconDocument;
  private defaultPolicy!: CompliancePolicy;
  private defaultEngine!: ComplianceEngine;
  private readonly cache = new Map<string, Resolved>();
  private readonly merged = new WeakMap<CompliancePolicy, WeakMap<object, CompliancePolicy>>();
  private readonly duration: Histogram<'direction'>;
  private readonly hitCounter: Counter<'direction' | 'category'>;
  private readonly verdicts: Counter<'direction' | 'verdict'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: ComplianceStore,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
  ) {
    const registers = [metrics.registry];
    this.duration = new Histogram({
      name: 'huashu_compliance_check_seconds',
      help: 'Compliance check time (normalise + match + PII + policy), without Redis look-ups',
      labelNames: ['direction'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01],
      registers,
    });
    this.hitCounter = new Counter({
      name: 'huashu_compliance_hits_total',
      help: 'Compliance findings by direction and category',
      labelNames: ['direction', 'category'],
      registers,
    });
    this.verdicts = new Counter({
      name: 'huashu_compliance_verdicts_total',
      help: 'Compliance verdicts by direction',
      labelNames: ['direction', 'verdict'],
      registers,
    });
  }

  /**
   * Redis lost its data: the stored lexicons and policies are gone, and versions written afterwards
   * start again at 1, so a cached engine compared by version alone could pass for a new document.
   */
  forgetRedisData(): void {
    this.cache.clear();
  }

  onModuleInit(): void {
    this.defaultLexicon = loadDefaultLexicon(this.config.paths.data);
    this.defaultPolicy = loadDefaultPolicy(this.config.paths.data);
    this.defaultEngine = new ComplianceEngine(this.defaultLexicon);
    this.readiness.register({
      name: 'compliance',
      check: () =>
        Promise.resolve({
          up: true,
          lexiconVersion: this.defaultLexicon.version,
          patterns: this.defaultEngine.matcher.patternCount,
        }),
    });
  }

  async check(
    text: string,
    direction: Direction,
    campaignId?: string,
    options?: CheckOptions,
  ): Promise<ComplianceResult> {
    const { engine, policy } = await this.resolve(campaignId ?? DEFAULT_COMPLIANCE_CAMPAIGN);
    const start = nowMs();
    const result = engine.check(text, direction, this.effective(policy, options?.policy));
    this.duration.observe({ direction }, (nowMs() - start) / 1000);
    this.verdicts.inc({ direction, verdict: result.verdict });
    for (const h of result.hits) this.hitCounter.inc({ direction, category: h.category });
    return result;
  }

  /** Screening of text arriving in chunks (ASR partials, streamed tokens) with the campaign's lexicon. */
  async openStream(direction: Direction, campaignId?: string, options?: CheckOptions): Promise<ComplianceStream> {
    const { engine, policy } = await this.resolve(campaignId ?? DEFAULT_COMPLIANCE_CAMPAIGN);
    return new ComplianceStream(engine, direction, this.effective(policy, options?.policy));
  }

  /**
   * The campaign's policy with the caller's override layered on, merged once per pair: both are
   * long-lived objects (the resolved policy and the cached campaign's override), and a turn checks
   * twice. Weakly keyed, so a replaced campaign or policy takes its merges with it. Read-only use.
   */
  private effective(policy: CompliancePolicy, override: CheckOptions['policy']): CompliancePolicy {
    if (!override) return policy;
    let byOverride = this.merged.get(policy);
    if (!byOverride) this.merged.set(policy, (byOverride = new WeakMap()));
    let merged = byOverride.get(override);
    if (!merged) byOverride.set(override, (merged = mergePolicies(policy, override)));
    return merged;
  }

  async getLexicon(campaign: string): Promise<VersionedView<LexiconDocument>> {
    checkCampaign(campaign);
    const stored = await this.store.get('lexicon', campaign);
    if (!stored || stored.doc === '')
      return this.view(
        campaign,
        stored?.version ?? this.defaultLexicon.version,
        'default',
        stored,
        this.defaultLexicon,
      );
    const document = { ...(JSON.parse(stored.doc) as LexiconDocument), version: stored.version };
    return this.view(campaign, stored.version, 'campaign', stored, document);
  }

  async getPolicy(campaign: string): Promise<VersionedView<CompliancePolicy> & { effective: CompliancePolicy }> {
    checkCampaign(campaign);
    const stored = await this.store.get('policy', campaign);
    const own = stored && stored.doc !== '' ? (JSON.parse(stored.doc) as CompliancePolicy) : undefined;
    const base = this.view(
      campaign,
      stored?.version ?? 1,
      own ? 'campaign' : 'default',
      stored,
      own ?? this.defaultPolicy,
    );
    return { ...base, effective: mergePolicies(this.defaultPolicy, own) };
  }

  /** Replaces the campaign's lexicon (validated and compiled first), audited. */
  async putLexicon(
    campaign: string,
    body: unknown,
    who: Who,
    ifMatch?: string,
  ): Promise<VersionedView<LexiconDocument>> {
    checkCampaign(campaign);
    const current = await this.getLexicon(campaign);
    const parsed = parseOrThrow(lexiconDocumentSchema, withVersion(body, current.version + 1));
    // Compiling proves the lexicon is usable before anything is written.
    new ComplianceEngine(parsed);
    const change = lexiconChange(current.document, parsed);
    const result = await this.store.put('lexicon', campaign, JSON.stringify(parsed), {
      expected: parseIfMatch(ifMatch),
      baseVersion: current.version,
      by: who.keyId,
      change,
    });
    if (!result.ok) throw stale(result.current);
    this.cache.delete(campaign);
    return this.getLexicon(campaign);
  }

  /** Replaces the campaign's policy overrides (categories must exist in its lexicon or be PII). */
  async putPolicy(campaign: string, body: unknown, who: Who, ifMatch?: string) {
    checkCampaign(campaign);
    const current = await this.getPolicy(campaign);
    const parsed = parseOrThrow(policySchema, body);
    const lexicon = await this.getLexicon(campaign);
    const known = new Set<string>([...Object.keys(lexicon.document.categories), ...PII_CATEGORIES]);
    const unknown = (['input', 'output'] as const).flatMap((d) =>
      Object.keys(parsed[d])
        .filter((c) => !known.has(c))
        .map((c) => ({ field: `${d}.${c}`, rules: ['unknown compliance category'] })),
    );
    if (unknown.length > 0) throw new HuashuException('VALIDATION_FAILED', 'unknown compliance category', unknown);
    const result = await this.store.put('policy', campaign, JSON.stringify(parsed), {
      expected: parseIfMatch(ifMatch),
      baseVersion: current.version,
      by: who.keyId,
      change: { from: current.source === 'campaign' ? current.document : null, to: parsed },
    });
    if (!result.ok) throw stale(result.current);
    this.cache.delete(campaign);
    return this.getPolicy(campaign);
  }

  /** Back to the shipped default (a new version, audited). */
  async reset(
    kind: DocumentKind,
    campaign: string,
    who: Who,
    ifMatch?: string,
  ): Promise<{ campaign: string; version: number }> {
    checkCampaign(campaign);
    const result = await this.store.reset(kind, campaign, {
      expected: parseIfMatch(ifMatch),
      defaultVersion: kind === 'lexicon' ? this.defaultLexicon.version : 1,
      by: who.keyId,
    });
    if (!result.ok) throw stale(result.current);
    this.cache.delete(campaign);
    return { campaign, version: result.version };
  }

  async audit(campaign: string, limit: number): Promise<AuditRecord[]> {
    checkCampaign(campaign);
    return this.store.audit(campaign, limit);
  }

  /**
   * The campaign's engine and policy. Cached per gateway; after CACHE_TTL_MS one Redis round trip
   * compares versions, so an edit on any gateway is live everywhere within about a second. When
   * Redis is unreachable the last known (or default) lexicon keeps screening: a turn never fails
   * on compliance storage.
   */
  private async resolve(campaign: string): Promise<Resolved> {
    const cached = this.cache.get(campaign);
    const now = Date.now();
    if (cached && now - cached.checkedAt < CACHE_TTL_MS) return cached;
    let versions: { lexicon?: number; policy?: number };
    try {
      versions = await this.store.versions(campaign);
    } catch (err) {
      this.logger.warn(
        `compliance settings of ${campaign} unavailable, using cached/default: ${(err as Error).message}`,
      );
      return cached ?? { engine: this.defaultEngine, policy: this.defaultPolicy, checkedAt: 0 };
    }
    if (cached && cached.lexiconVersion === versions.lexicon && cached.policyVersion === versions.policy) {
      cached.checkedAt = now;
      return cached;
    }
    let engine = this.defaultEngine;
    let policy = this.defaultPolicy;
    try {
      if (versions.lexicon !== undefined) {
        if (cached && cached.lexiconVersion === versions.lexicon) engine = cached.engine;
        else {
          const stored = await this.store.get('lexicon', campaign);
          if (stored && stored.doc !== '') engine = new ComplianceEngine(JSON.parse(stored.doc) as LexiconDocument);
        }
      }
      if (versions.policy !== undefined) {
        const stored = await this.store.get('policy', campaign);
        if (stored && stored.doc !== '')
          policy = mergePolicies(this.defaultPolicy, JSON.parse(stored.doc) as CompliancePolicy);
      }
    } catch (err) {
      this.logger.warn(
        `compliance settings of ${campaign} unreadable, using cached/default: ${(err as Error).message}`,
      );
      return cached ?? { engine: this.defaultEngine, policy: this.defaultPolicy, checkedAt: 0 };
    }
    const resolved: Resolved = {
      engine,
      policy,
      lexiconVersion: versions.lexicon,
      policyVersion: versions.policy,
      checkedAt: now,
    };
    this.cache.set(campaign, resolved);
    return resolved;
  }

  private view<T>(
    campaign: string,
    version: number,
    source: 'default' | 'campaign',
    stored: { updatedAt: string; updatedBy: string } | undefined,
    document: T,
  ): VersionedView<T> {
    return {
      campaign,
      version,
      source,
      ...(stored ? { updatedAt: stored.updatedAt, updatedBy: stored.updatedBy } : {}),
      document,
    };
  }
}

function checkCampaign(campaign: string): void {
  if (!CAMPAIGN_ID.test(campaign))
    throw new HuashuException('VALIDATION_FAILED', 'campaign id must be 1-64 letters, digits, _ or -', [
      { field: 'campaign', rules: ['campaign id'] },
    ]);
}

function withVersion(body: unknown, version: number): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new HuashuException('VALIDATION_FAILED', 'body must be a JSON object', [
      { field: 'body', rules: ['object'] },
    ]);
  // The version is server-owned: a client-sent one is replaced (If-Match carries the precondition).
  return { ...(body as Record<string, unknown>), version };
}

function parseOrThrow<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new HuashuException(
      'VALIDATION_FAILED',
      'request validation failed',
      parsed.error.issues.slice(0, 50).map((i) => ({ field: i.path.join('.') || 'body', rules: [i.message] })),
    );
  return parsed.data;
}

/** If-Match: `"3"`, `3` or `W/"3"`; anything else is a validation error. */
function parseIfMatch(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === '' || ifMatch === '*') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(ifMatch.trim());
  if (!m)
    throw new HuashuException('VALIDATION_FAILED', 'If-Match must be an ETag from GET', [
      { field: 'If-Match', rules: ['etag'] },
    ]);
  return Number(m[1]);
}

const stale = (current: number) =>
  new HuashuException('PRECONDITION_FAILED', 'the document changed since it was read', [{ currentVersion: current }]);

/** Audit summary of a lexicon edit: per category, the patterns added and removed. */
function lexiconChange(from: LexiconDocument, to: LexiconDocument) {
  const categories: Record<string, { added: string[]; removed: string[] }> = {};
  const names = new Set([...Object.keys(from.categories), ...Object.keys(to.categories)]);
  const terms = (doc: LexiconDocument, name: string) => {
    const c = doc.categories[name];
    return new Set(c ? categoryTerms(c) : []);
  };
  for (const name of names) {
    const a = terms(from, name);
    const b = terms(to, name);
    const added = [...b].filter((p) => !a.has(p));
    const removed = [...a].filter((p) => !b.has(p));
    if (added.length || removed.length)
      categories[name] = { added: added.slice(0, 200), removed: removed.slice(0, 200) };
  }
  const negA = new Set([...from.negations, ...from.doubleNegations]);
  const negB = new Set([...to.negations, ...to.doubleNegations]);
  return {
    categories,
    negations: { added: [...negB].filter((n) => !negA.has(n)), removed: [...negA].filter((n) => !negB.has(n)) },
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@huashu/redis';

/** Redis keys of the compliance lib (the shared client adds REDIS_KEY_PREFIX). */
export const COMPLIANCE_KEYS = {
  lexicon: (campaign: string) => `compliance:lexicon:${campaign}`,
  policy: (campaign: string) => `compliance:policy:${campaign}`,
  audit: (campaign: string) => `compliance:audit:${campaign}`,
} as const;

export const DOCUMENT_KINDS = { lexicon: 'lexicon', policy: 'policy' } as const;
export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/** A stored, versioned document (the lexicon or the policy of one campaign). */
export interface StoredDocument {
  version: number;
  doc: string;
  updatedAt: string;
  updatedBy: string;
}

export interface AuditRecord {
  id: string;
  kind: DocumentKind;
  campaign: string;
  version: number;
  previousVersion: number;
  by: string;
  at: string;
  change: unknown;
}

const AUDIT_MAXLEN = 10_000;

// One atomic step: precondition on the version, write the new document, append the audit record.
// A Lua script rather than WATCH/MULTI because the shared client is used by every request.
// Versions only ever grow (a reset stores an empty document), so caches can compare versions.
const WRITE_SCRIPT = `
local cur = tonumber(redis.call('HGET', KEYS[1], 'version')) or tonumber(ARGV[2])
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return {0, cur} end
local nv = cur + 1
redis.call('HSET', KEYS[1], 'version', nv, 'doc', ARGV[3], 'updatedAt', ARGV[4], 'updatedBy', ARGV[5])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '*', 'kind', ARGV[6], 'campaign', ARGV[9],
  'version', nv, 'previousVersion', cur, 'by', ARGV[5], 'at', ARGV[4], 'change', ARGV[7])
return {1, nv}
`;

const DELETE_SCRIPT = `
local cur = tonumber(redis.call('HGET', KEYS[1], 'version'))
if not cur then return {2, tonumber(ARGV[5])} end
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return {0, cur} end
local nv = cur + 1
redis.call('HSET', KEYS[1], 'version', nv, 'doc', '', 'updatedAt', ARGV[2], 'updatedBy', ARGV[3])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'kind', ARGV[4], 'campaign', ARGV[7],
  'version', nv, 'previousVersion', cur, 'by', ARGV[3], 'at', ARGV[2], 'change', '{"reset":true}')
return {1, nv}
`;

@Injectable()
export class ComplianceStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  private key(kind: DocumentKind, campaign: string): string {
    return kind === 'lexicon' ? COMPLIANCE_KEYS.lexicon(campaign) : COMPLIANCE_KEYS.policy(campaign);
  }

  /** The stored document; `doc` is '' when the campaign was reset to the default. */
  async get(kind: DocumentKind, campaign: string): Promise<StoredDocument | undefined> {
    const h = await this.redis.hgetall(this.key(kind, campaign));
    if (!h.version || h.doc === undefined) return undefined;
    return { version: Number(h.version), doc: h.doc, updatedAt: h.updatedAt ?? '', updatedBy: h.updatedBy ?? '' };
  }

  /** Versions of both documents in one round trip (undefined: never edited, the default). */
  async versions(campaign: string): Promise<{ lexicon?: number; policy?: number }> {
    const [[, lex], [, pol]] = (await this.redis
      .pipeline()
      .hget(COMPLIANCE_KEYS.lexicon(campaign), 'version')
      .hget(COMPLIANCE_KEYS.policy(campaign), 'version')
      .exec()) as [[Error | null, string | null], [Error | null, string | null]];
    return { lexicon: lex ? Number(lex) : undefined, policy: pol ? Number(pol) : undefined };
  }

  /**
   * Writes a new version atomically with its audit record. `expected` (from If-Match) must equal
   * the current version; `baseVersion` is the version of the default a campaign starts from.
   */
  async put(
    kind: DocumentKind,
    campaign: string,
    doc: string,
    opts: { expected?: number; baseVersion: number; by: string; change: unknown },
  ): Promise<{ ok: true; version: number } | { ok: false; current: number }> {
    const [ok, version] = (await this.redis.eval(
      WRITE_SCRIPT,
      2,
      this.key(kind, campaign),
      COMPLIANCE_KEYS.audit(campaign),
      opts.expected === undefined ? '' : String(opts.expected),
      String(opts.baseVersion),
      doc,
      new Date().toISOString(),
      opts.by,
      kind,
      JSON.stringify(opts.change),
      String(AUDIT_MAXLEN),
      campaign,
    )) as [number, number];
    return ok === 1 ? { ok: true, version } : { ok: false, current: version };
  }

  /** Drops a campaign's copy (back to the default) as a new version, audited. */
  async reset(
    kind: DocumentKind,
    campaign: string,
    opts: { expected?: number; defaultVersion: number; by: string },
  ): Promise<{ ok: true; version: number } | { ok: false; current: number }> {
    const [code, version] = (await this.redis.eval(
      DELETE_SCRIPT,
      2,
      this.key(kind, campaign),
      COMPLIANCE_KEYS.audit(campaign),
      opts.expected === undefined ? '' : String(opts.expected),
      new Date().toISOString(),
      opts.by,
      kind,
      String(opts.defaultVersion),
      String(AUDIT_MAXLEN),
      campaign,
    )) as [number, number];
    if (code === 0) return { ok: false, current: version };
    return { ok: true, version };
  }

  async audit(campaign: string, limit: number): Promise<AuditRecord[]> {
    const entries = await this.redis.xrevrange(COMPLIANCE_KEYS.audit(campaign), '+', '-', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return {
        id,
        kind: f.kind as DocumentKind,
        campaign: f.campaign,
        version: Number(f.version),
        previousVersion: Number(f.previousVersion),
        by: f.by,
        at: f.at,
        change: JSON.parse(f.change ?? 'null') as unknown,
      };
    });
  }
}

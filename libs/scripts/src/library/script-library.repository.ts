import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS, waitReady, type RedisClient } from '@huashu/redis';

/** Redis keys of the script library (the shared client adds REDIS_KEY_PREFIX). */
export const SCRIPT_KEYS = {
  campaigns: 'scripts:campaigns',
  draft: (c: string) => `scripts:${c}:draft`,
  draftRev: (c: string) => `scripts:${c}:draft:rev`,
  versionBase: (c: string) => `scripts:${c}:v:`,
  version: (c: string, n: number) => `scripts:${c}:v:${n}`,
  versionSeq: (c: string) => `scripts:${c}:version:seq`,
  versions: (c: string) => `scripts:${c}:versions`,
  current: (c: string) => `scripts:${c}:current`,
  audit: (c: string) => `scripts:${c}:audit`,
  seedLock: 'scripts:seed:lock',
  seeded: (c: string) => `scripts:${c}:seeded`,
  artifact: (key: string) => `scripts:artifact:${key}`,
  versionKey: (c: string, n: number) => `scripts:${c}:v:${n}:key`,
  embeddings: (modelId: string) => `scripts:embeddings:${modelId}`,
} as const;

/** Embedding cache lifetime, renewed on every write (texts of deleted scripts age out with it). */
const EMBEDDINGS_TTL_SECONDS = 30 * 24 * 3600;

/** Field of a text in the embedding cache. */
const textField = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

/** Built indexes kept in Redis for other gateways (a week; after that a gateway rebuilds locally). */
const ARTIFACT_TTL_SECONDS = 7 * 24 * 3600;

/** Pub/sub channel (without prefix) a publish or rollback is announced on. */
export const PUBLISH_CHANNEL = 'scripts:published';

const AUDIT_MAXLEN = 5000;

/** Strong ETag of a stored script: SHA-1 of its JSON, identical to Lua's redis.sha1hex. */
export const scriptEtag = (json: string): string => `"${createHash('sha1').update(json, 'utf8').digest('hex')}"`;

// All writes are Lua scripts: the change, the draft revision bump and the audit entry land together
// or not at all, and compare-and-set needs no WATCH (WATCH is per connection; the client is shared).

/** Single script write. ARGV: id, basedOnSha ('' = must be absent), newJson ('' = delete), who, when, action, maxlen. */
const WRITE_ONE_LUA = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local curSha = ''
if cur then curSha = redis.sha1hex(cur) end
if curSha ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
redis.call('INCR', KEYS[2])
redis.call('SADD', KEYS[4], ARGV[8])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'who', ARGV[4], 'when', ARGV[5], 'action', ARGV[6], 'scriptId', ARGV[1], 'before', cur or '', 'after', ARGV[3])
return 1
`;

/**
 * Import. ARGV: basedOnRev, mode, who, when, maxlen, campaignId, summaryJson, then id/json pairs.
 * Fails (0) when the draft changed since the caller read it.
 */
const IMPORT_LUA = `
local rev = redis.call('GET', KEYS[2]) or '0'
if rev ~= ARGV[1] then return 0 end
if ARGV[2] == 'replace' then redis.call('DEL', KEYS[1]) end
local n = #ARGV
local i = 8
while i <= n do
  local last = math.min(i + 999, n)
  redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
  i = last + 1
end
redis.call('INCR', KEYS[2])
redis.call('SADD', KEYS[4], ARGV[6])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'who', ARGV[3], 'when', ARGV[4], 'action', 'import:' .. ARGV[2], 'scriptId', '', 'before', '', 'after', ARGV[7])
return 1
`;

/**
 * Stage a version: copy the draft into a new immutable version (not yet current).
 * KEYS: draft, draftRev, seq, versions, versionBase. ARGV: who, when.
 */
const STAGE_LUA = `
if redis.call('HLEN', KEYS[1]) == 0 then return -1 end
local n = redis.call('INCR', KEYS[3])
local vkey = KEYS[5] .. n
local cursor = '0'
repeat
  local r = redis.call('HSCAN', KEYS[1], cursor, 'COUNT', 1000)
  cursor = r[1]
  if #r[2] > 0 then redis.call('HSET', vkey, unpack(r[2])) end
until cursor == '0'
local meta = cjson.encode({version = n, publishedAt = ARGV[2], publishedBy = ARGV[1], count = redis.call('HLEN', vkey), draftRev = tonumber(redis.call('GET', KEYS[2]) or '0')})
redis.call('HSET', KEYS[4], n, meta)
return n
`;

/**
 * Remove a staged version that never became current (its publish failed). KEYS: versions, current,
 * version hash, version's bundle key. ARGV: version. Returns 1 when removed, 0 when it is current.
 */
const DISCARD_LUA = `
if redis.call('GET', KEYS[2]) == ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3], KEYS[4])
return 1
`;

/**
 * Make a version current (publish or rollback), audit and announce it in one step.
 * KEYS: versions, current, audit. ARGV: version, who, when, channel, campaignId, maxlen, action.
 */
const SWITCH_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
local prev = redis.call('GET', KEYS[2]) or ''
redis.call('SET', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'who', ARGV[2], 'when', ARGV[3], 'action', ARGV[7], 'scriptId', '', 'before', prev, 'after', ARGV[1])
redis.call('PUBLISH', ARGV[4], cjson.encode({campaignId = ARGV[5], version = tonumber(ARGV[1])}))
return tonumber(prev) or 0
`;

export interface VersionMeta {
  version: number;
  publishedAt: string;
  publishedBy: string;
  count: number;
  draftRev: number;
}

export interface ScriptAuditEntry {
  id: string;
  who: string;
  when: string;
  action: string;
  scriptId?: string;
  before: unknown;
  after: unknown;
}

const parseJson = (s: string | undefined): unknown => {
  if (!s) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** Redis adapter of the script library. Values are script JSON strings keyed by script id. */
@Injectable()
export class ScriptLibraryRepository implements OnModuleInit {
  private readonly logger = new Logger('ScriptLibrary');
  readonly channel: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.channel = `${config.redis.keyPrefix}${PUBLISH_CHANNEL}`;
  }

  async onModuleInit(): Promise<void> {
    try {
      await waitReady(this.redis, this.config.redis.connectTimeoutMs);
    } catch (err) {
      this.logger.warn(`Redis not ready at start: ${(err as Error).message}`);
    }
  }

  async draftOne(c: string, id: string): Promise<string | undefined> {
    return (await this.redis.hget(SCRIPT_KEYS.draft(c), id)) ?? undefined;
  }

  async draftAll(c: string): Promise<{ rev: number; scripts: Record<string, string> }> {
    const [[, scripts], [, rev]] = (await this.redis
      .multi()
      .hgetall(SCRIPT_KEYS.draft(c))
      .get(SCRIPT_KEYS.draftRev(c))
      .exec()) as [[null, Record<string, string>], [null, string | null]];
    return { rev: Number(rev ?? 0), scripts };
  }

  /** The draft's script ids (HKEYS: no script JSON read). */
  async draftIds(c: string): Promise<string[]> {
    return this.redis.hkeys(SCRIPT_KEYS.draft(c));
  }

  async draftRev(c: string): Promise<number> {
    return Number((await this.redis.get(SCRIPT_KEYS.draftRev(c))) ?? 0);
  }

  async versionAll(c: string, n: number): Promise<Record<string, string>> {
    return this.redis.hgetall(SCRIPT_KEYS.version(c, n));
  }

  async versionOne(c: string, n: number, id: string): Promise<string | undefined> {
    return (await this.redis.hget(SCRIPT_KEYS.version(c, n), id)) ?? undefined;
  }

  async current(c: string): Promise<number | undefined> {
    const v = await this.redis.get(SCRIPT_KEYS.current(c));
    return v === null ? undefined : Number(v);
  }

  async hasVersion(c: string, version: number): Promise<boolean> {
    return (await this.redis.hexists(SCRIPT_KEYS.versions(c), String(version))) === 1;
  }

  async versions(c: string): Promise<VersionMeta[]> {
    const all = await this.redis.hgetall(SCRIPT_KEYS.versions(c));
    return Object.values(all)
      .map((j) => JSON.parse(j) as VersionMeta)
      .sort((a, b) => a.version - b.version);
  }

  async campaigns(): Promise<string[]> {
    return (await this.redis.smembers(SCRIPT_KEYS.campaigns)).sort();
  }

  async writeOne(
    c: string,
    id: string,
    basedOnJson: string | undefined,
    newJson: string | undefined,
    who: string,
    action: string,
  ): Promise<boolean> {
    const sha = basedOnJson === undefined ? '' : scriptEtag(basedOnJson).slice(1, -1);
    const r = await this.redis.eval(
      WRITE_ONE_LUA,
      4,
      SCRIPT_KEYS.draft(c),
      SCRIPT_KEYS.draftRev(c),
      SCRIPT_KEYS.audit(c),
      SCRIPT_KEYS.campaigns,
      id,
      sha,
      newJson ?? '',
      who,
      new Date().toISOString(),
      action,
      String(AUDIT_MAXLEN),
      c,
    );
    return r === 1;
  }

  async importAll(
    c: string,
    basedOnRev: number,
    mode: 'upsert' | 'replace',
    rows: { id: string; json: string }[],
    who: string,
    summary: unknown,
  ): Promise<boolean> {
    const args: string[] = [
      String(basedOnRev),
      mode,
      who,
      new Date().toISOString(),
      String(AUDIT_MAXLEN),
      c,
      JSON.stringify(summary),
    ];
    for (const r of rows) args.push(r.id, r.json);
    const keys = [SCRIPT_KEYS.draft(c), SCRIPT_KEYS.draftRev(c), SCRIPT_KEYS.audit(c), SCRIPT_KEYS.campaigns];
    // An empty replace needs no HSET; Lua's loop simply does not run.
    const r = await this.redis.eval(IMPORT_LUA, 4, ...keys, ...args);
    return r === 1;
  }

  /** Copy the draft into a new version (not current yet); its number, or -1 when the draft is empty. */
  async stage(c: string, who: string): Promise<number> {
    const r = await this.redis.eval(
      STAGE_LUA,
      5,
      SCRIPT_KEYS.draft(c),
      SCRIPT_KEYS.draftRev(c),
      SCRIPT_KEYS.versionSeq(c),
      SCRIPT_KEYS.versions(c),
      SCRIPT_KEYS.versionBase(c),
      who,
      new Date().toISOString(),
    );
    return Number(r);
  }

  /** Remove staged `version` unless it is current: true when removed. */
  async discard(c: string, version: number): Promise<boolean> {
    const r = await this.redis.eval(
      DISCARD_LUA,
      4,
      SCRIPT_KEYS.versions(c),
      SCRIPT_KEYS.current(c),
      SCRIPT_KEYS.version(c, version),
      SCRIPT_KEYS.versionKey(c, version),
      String(version),
    );
    return Number(r) === 1;
  }

  /** Make `version` current and announce it; the previously current version, or -1 when it does not exist. */
  async switchTo(c: string, version: number, who: string, action: 'publish' | 'rollback'): Promise<number> {
    const r = await this.redis.eval(
      SWITCH_LUA,
      3,
      SCRIPT_KEYS.versions(c),
      SCRIPT_KEYS.current(c),
      SCRIPT_KEYS.audit(c),
      String(version),
      who,
      new Date().toISOString(),
      this.channel,
      c,
      String(AUDIT_MAXLEN),
      action,
    );
    return Number(r);
  }

  /** Announce that a version's bundle was replaced (its HNSW graph is ready) under `key`. */
  async announce(c: string, version: number, key: string): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ campaignId: c, version, key }));
  }

  /** Content key of a version's built index (set by the publisher before announcing). */
  async versionKey(c: string, n: number): Promise<string | undefined> {
    return (await this.redis.get(SCRIPT_KEYS.versionKey(c, n))) ?? undefined;
  }

  async setVersionKey(c: string, n: number, key: string): Promise<void> {
    await this.redis.set(SCRIPT_KEYS.versionKey(c, n), key);
  }

  /** A built library bundle (scripts + index) shared by all gateways, content-addressed. */
  async readArtifact(key: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(SCRIPT_KEYS.artifact(key))) ?? undefined;
  }

  async writeArtifact(key: string, data: Buffer, ttlSeconds = ARTIFACT_TTL_SECONDS): Promise<void> {
    await this.redis.set(SCRIPT_KEYS.artifact(key), data, 'EX', ttlSeconds);
  }

  /**
   * Cached embeddings of `texts` for one embedder model (float32 bytes, or undefined when absent),
   * written when scripts are imported, so no gateway embeds a text twice.
   */
  async readEmbeddings(modelId: string, texts: readonly string[]): Promise<(Buffer | undefined)[]> {
    if (texts.length === 0) return [];
    const got = await this.redis.hmgetBuffer(SCRIPT_KEYS.embeddings(modelId), ...texts.map(textField));
    return got.map((b) => b ?? undefined);
  }

  async writeEmbeddings(modelId: string, entries: readonly { text: string; vector: Float32Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const key = SCRIPT_KEYS.embeddings(modelId);
    const args: (string | Buffer)[] = [];
    for (const { text, vector } of entries) {
      args.push(textField(text), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    await this.redis
      .multi()
      .hset(key, ...args)
      .expire(key, EMBEDDINGS_TTL_SECONDS)
      .exec();
  }

  async audit(c: string, count = 50): Promise<ScriptAuditEntry[]> {
    const entries = await this.redis.xrevrange(SCRIPT_KEYS.audit(c), '+', '-', 'COUNT', count);
    return entries.map(([entryId, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      return {
        id: entryId,
        who: f.who,
        when: f.when,
        action: f.action,
        ...(f.scriptId ? { scriptId: f.scriptId } : {}),
        before: parseJson(f.before),
        after: parseJson(f.after),
      };
    });
  }

  /** Take the one-time seed lock (SET NX with expiry) so only one gateway seeds. */
  async tryLock(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, String(process.pid), 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async flag(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }

  async setFlag(key: string): Promise<void> {
    await this.redis.set(key, new Date().toISOString());
  }
}

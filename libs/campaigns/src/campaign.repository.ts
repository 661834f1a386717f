import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS, waitReady, type RedisClient } from '@huashu/redis';

/** Redis keys of the campaign store (under REDIS_KEY_PREFIX, which the client adds). */
export const CAMPAIGN_KEYS = {
  doc: (id: string) => `campaigns:${id}`,
  ids: 'campaigns:ids',
  audit: (id: string) => `campaigns:${id}:audit`,
} as const;

/** Entries kept per campaign audit stream (approximate trim). */
const AUDIT_MAXLEN = 1000;

/** Strong ETag of a stored JSON document: its SHA-1, the same value Lua's redis.sha1hex gives. */
export const etagOf = (json: string): string => `"${createHash('sha1').update(json, 'utf8').digest('hex')}"`;

/**
 * Compare-and-set in one Lua script so a write and its audit entry land together or not at all,
 * and a concurrent writer is detected without WATCH (WATCH is per connection and the client is shared).
 * ARGV[1]: sha1 of the document the caller based its change on ('' = must not exist yet).
 */
const CAS_LUA = `
local cur = redis.call('GET', KEYS[1])
local curSha = ''
if cur then curSha = redis.sha1hex(cur) end
if curSha ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'who', ARGV[4], 'when', ARGV[5], 'before', cur or '', 'after', ARGV[2], 'action', ARGV[6])
return 1
`;

export interface StoredDoc {
  json: string;
  etag: string;
}

export interface AuditEntry {
  id: string;
  who: string;
  when: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** Redis adapter of the campaign store. */
@Injectable()
export class CampaignRepository implements OnModuleInit {
  private readonly logger = new Logger('Campaigns');

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The shared client fails fast while disconnected; wait for it so the first request finds it ready. */
  async onModuleInit(): Promise<void> {
    try {
      await waitReady(this.redis, this.config.redis.connectTimeoutMs);
    } catch (err) {
      this.logger.warn(`Redis not ready at start: ${(err as Error).message}`);
    }
  }

  async read(id: string): Promise<StoredDoc | undefined> {
    const json = await this.redis.get(CAMPAIGN_KEYS.doc(id));
    return json === null ? undefined : { json, etag: etagOf(json) };
  }

  /** Write `json` if the stored document still is `basedOn` (undefined = absent). False on a race. */
  async compareAndSet(
    id: string,
    basedOn: StoredDoc | undefined,
    json: string,
    who: string,
    action: string,
  ): Promise<boolean> {
    const sha = basedOn ? basedOn.etag.slice(1, -1) : '';
    const ok = await this.redis.eval(
      CAS_LUA,
      3,
      CAMPAIGN_KEYS.doc(id),
      CAMPAIGN_KEYS.ids,
      CAMPAIGN_KEYS.audit(id),
      sha,
      json,
      id,
      who,
      new Date().toISOString(),
      action,
      String(AUDIT_MAXLEN),
    );
    return ok === 1;
  }

  async ids(): Promise<string[]> {
    return (await this.redis.smembers(CAMPAIGN_KEYS.ids)).sort();
  }

  async audit(id: string, count = 50): Promise<AuditEntry[]> {
    const entries = await this.redis.xrevrange(CAMPAIGN_KEYS.audit(id), '+', '-', 'COUNT', count);
    return entries.map(([entryId, fields]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      const parse = (s: string | undefined): unknown => (s ? (JSON.parse(s) as unknown) : null);
      return {
        id: entryId,
        who: f.who,
        when: f.when,
        action: f.action,
        before: parse(f.before),
        after: parse(f.after),
      };
    });
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Mutex, withTimeout, E_TIMEOUT, type MutexInterface } from 'async-mutex';
import type { Redis, Result } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { HuashuException } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS, type OnRedisDataLost } from '@huashu/redis';
import { DIALOGUE_KEYS } from '../dialogue.constants.js';
import { historyFromTranscript, type HistoryMessage, type Session, type TranscriptEntry } from './session.js';

/** Release the lock only if it is still ours (https://redis.io/docs/latest/commands/set/ "patterns"). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Take the lock and read the session and its revision in one round trip: {1, session|false, rev|false} or {0}. */
const ACQUIRE = `
if redis.call('set', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]), 'NX') then
  return {1, redis.call('get', KEYS[2]), redis.call('get', KEYS[3])}
end
return {0}`;

/**
 * The writes of a commit (shared by both commit scripts): session, transcript lines and audit
 * record land together, and the session revision goes up. KEYS: lock, session, transcript, audit,
 * rev. ARGV: token or expected revision, session JSON, session TTL s, retention s, audit JSON ('' for
 * none), then transcript JSON lines. Returns the new revision.
 */
const WRITE = `
redis.call('set', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
for i = 6, #ARGV do redis.call('xadd', KEYS[3], '*', 'e', ARGV[i]) end
redis.call('expire', KEYS[3], tonumber(ARGV[4]))
if ARGV[5] ~= '' then
  redis.call('xadd', KEYS[4], '*', 'e', ARGV[5])
  redis.call('expire', KEYS[4], tonumber(ARGV[4]))
end
local rev = redis.call('incr', KEYS[5])
redis.call('expire', KEYS[5], tonumber(ARGV[3]))
return rev`;

/**
 * Commit a turn under the lock, atomically and only while the lock is still ours, so a turn that
 * overran its lock cannot overwrite a newer one (no lost update); releases the lock in the same
 * round trip. Returns the new revision, or 0 when the lock was lost.
 */
const COMMIT = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('del', KEYS[1])
${WRITE}`;

/**
 * Commit a turn computed on a cached session without the lock: only if nobody holds the lock and
 * the revision is still the one the cache saw (compare-and-set). Returns the new revision, 0 when
 * the session changed (or expired) meanwhile, -1 when another turn holds the lock.
 */
const COMMIT_CAS = `
if redis.call('exists', KEYS[1]) == 1 then return -1 end
if (redis.call('get', KEYS[5]) or '0') ~= ARGV[1] then return 0 end
${WRITE}`;

/** The scripts as ioredis commands: sent once, then run by SHA (EVALSHA), not re-sent every turn. */
type SessionCommands = {
  sessionAcquire(
    lock: string,
    session: string,
    rev: string,
    token: string,
    ttlMs: number,
  ): Result<unknown[], { type: 'default' }>;
  sessionCommit(...keysAndArgs: (string | number)[]): Result<number, { type: 'default' }>;
  sessionCommitCas(...keysAndArgs: (string | number)[]): Result<number, { type: 'default' }>;
  sessionRelease(lock: string, token: string): Result<number, { type: 'default' }>;
};

/** The cached session went stale: redo the work under the lock. */
class StaleSession extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A held conversation lock. */
export interface ConversationLock {
  readonly conversationId: string;
  /** The Redis lock token; absent while working on a cached session without the lock. */
  readonly token?: string;
  /** The session revision the work started from. */
  readonly rev: number;
  /** Set once a commit released it. */
  released?: boolean;
}

/**
 * Sessions, the per-conversation lock, transcripts and audit streams in Redis (DESIGN §1 steps 1
 * and 8). Turns of one conversation are serialised by a Redis lock (SET NX PX with a random
 * token, so several gateways agree); in front of it, a FIFO mutex per conversation in this
 * process keeps local waiters in arrival order and off Redis while they wait. A single-instance
 * lock is enough here because Redis is the one state store (DESIGN §6); Redlock would add
 * nothing.
 *
 * A turn of a conversation whose session this process committed last runs on its cached copy
 * without taking the Redis lock and commits with a compare-and-set on the session revision: one
 * round trip per turn while a conversation stays on one gateway. If another gateway committed or
 * holds the lock meanwhile, the commit refuses and the turn is redone under the lock.
 */
@Injectable()
export class SessionRepository implements OnModuleDestroy, OnRedisDataLost {
  private readonly local = new Map<string, { mutex: MutexInterface; users: number }>();
  /**
   * The session and revision as this process last committed them. The object is deep-frozen and
   * handed to the next turn as it is (no JSON.parse per turn): turns build a new session by spreading,
   * and any code that tried to change a cached one would throw instead of corrupting it.
   */
  private readonly cache: LRUCache<string, { session: Readonly<Session>; rev: number }> | undefined;
  private readonly redis: Redis & SessionCommands;
  private readonly ttl: number;
  private readonly retention: number;
  /** Longest a lock is held: the longest turn deadline plus slack for recording. */
  readonly lockTtlMs: number;
  readonly lockWaitMs: number;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    this.redis = withSessionCommands(redis);
    const size = config.dialogue.sessionCacheSize;
    this.cache = size > 0 ? new LRUCache({ max: size, ttl: config.dialogue.sessionTtlSeconds * 1000 }) : undefined;
    this.ttl = config.dialogue.sessionTtlSeconds;
    this.retention = config.dialogue.transcriptRetentionSeconds;
    this.lockWaitMs = config.dialogue.lockWaitMs;
    this.lockTtlMs = Math.max(config.dialogue.deadlines.restMs, config.dialogue.deadlines.phoneMs) + 5000;
  }

  onModuleDestroy(): void {
    this.local.clear();
    this.cache?.clear();
  }

  /**
   * Redis lost its data: the sessions are gone and stay gone (a turn of one answers 404). A cached copy
   * is never written back (its revision check would refuse it anyway): it is dropped.
   */
  forgetRedisData(): string | undefined {
    const n = this.cache?.size ?? 0;
    this.cache?.clear();
    return n > 0 ? `${n} cached sessions` : undefined;
  }

  newId(): string {
    return `c_${randomBytes(12).toString('base64url')}`;
  }

  async get(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(DIALOGUE_KEYS.session(id));
    return raw === null ? undefined : (JSON.parse(raw) as Session);
  }

  /**
   * Store a new session with its first transcript lines (and the start's audit record, when it has
   * one), and index it for the export.
   */
  async create(session: Session, transcript: TranscriptEntry[], audit?: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(session);
    const multi = this.redis
      .multi()
      .set(DIALOGUE_KEYS.session(session.id), json, 'EX', this.ttl)
      .set(DIALOGUE_KEYS.rev(session.id), 1, 'EX', this.ttl)
      .zadd(DIALOGUE_KEYS.index, Date.parse(session.createdAt), session.id)
      // The index only needs to cover what the export can still read.
      .zremrangebyscore(DIALOGUE_KEYS.index, '-inf', Date.now() - this.retention * 1000);
    for (const e of transcript) multi.xadd(DIALOGUE_KEYS.transcript(session.id), '*', 'e', JSON.stringify(e));
    multi.expire(DIALOGUE_KEYS.transcript(session.id), this.retention);
    if (audit) {
      multi.xadd(DIALOGUE_KEYS.audit(session.id), '*', 'e', JSON.stringify(audit));
      multi.expire(DIALOGUE_KEYS.audit(session.id), this.retention);
    }
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new Error(`session create failed: ${String(failed?.[0] ?? 'aborted')}`);
    this.cache?.set(session.id, { session: deepFreeze(session), rev: 1 });
  }

  /**
   * Run `work` holding the conversation's lock. Waits at most `lockWaitMs` in total (local queue
   * plus Redis), then fails with 409 CONVERSATION_BUSY.
   *
   * With `optimistic`, a session cached from this process's last commit is handed to `work`
   * without taking the Redis lock; its commit then succeeds only if nothing changed in Redis, and
   * otherwise `work` runs again, under the lock, on the fresh session. Optimistic work must
   * therefore show nothing to the caller before its commit and tolerate being redone.
   */
  async withLock<T>(
    id: string,
    work: (lock: ConversationLock, session: Session | undefined) => Promise<T>,
    opts: { optimistic?: boolean } = {},
  ): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    const entry = this.localEntry(id);
    entry.users++;
    let release: MutexInterface.Releaser | undefined;
    try {
      try {
        // A free mutex is taken at once: no wait bound (and no timer to arm and clear) is needed.
        release = entry.mutex.isLocked()
          ? await withTimeout(entry.mutex, this.lockWaitMs).acquire()
          : await entry.mutex.acquire();
      } catch (err) {
        if (err === E_TIMEOUT) throw busy(id);
        throw err;
      }
      const cached = opts.optimistic ? this.cache?.get(id) : undefined;
      if (cached) {
        try {
          return await work({ conversationId: id, rev: cached.rev }, cached.session);
        } catch (err) {
          if (!(err instanceof StaleSession)) throw err;
        }
      }
      const { lock, session } = await this.acquireRedis(id, deadline);
      try {
        return await work(lock, session);
      } finally {
        if (!lock.released) {
          await this.redis.sessionRelease(DIALOGUE_KEYS.lock(id), lock.token!).catch(() => undefined);
        }
      }
    } finally {
      release?.();
      if (--entry.users === 0) this.local.delete(id);
    }
  }

  /**
   * Commit a turn: session, transcript lines and audit record, atomically, only while `lock` is
   * still held. Returns false when the lock was lost (the turn overran it).
   */
  async commit(
    lock: ConversationLock,
    session: Session,
    transcript: TranscriptEntry[],
    audit?: Record<string, unknown>,
  ): Promise<boolean> {
    const id = lock.conversationId;
    const json = JSON.stringify(session);
    const keysAndArgs = [
      DIALOGUE_KEYS.lock(id),
      DIALOGUE_KEYS.session(id),
      DIALOGUE_KEYS.transcript(id),
      DIALOGUE_KEYS.audit(id),
      DIALOGUE_KEYS.rev(id),
      lock.token ?? String(lock.rev),
      json,
      this.ttl,
      this.retention,
      audit ? JSON.stringify(audit) : '',
      ...transcript.map((e) => JSON.stringify(e)),
    ];
    const optimistic = lock.token === undefined;
    const rev = optimistic
      ? await this.redis.sessionCommitCas(...keysAndArgs)
      : await this.redis.sessionCommit(...keysAndArgs);
    if (rev > 0) {
      if (!optimistic) lock.released = true;
      this.cache?.set(id, { session: deepFreeze(session), rev });
      return true;
    }
    this.cache?.delete(id);
    // Another gateway moved the conversation on (or holds it): redo the turn under the lock.
    if (optimistic) throw new StaleSession(id);
    return false;
  }

  async transcript(id: string): Promise<TranscriptEntry[]> {
    return (await this.readStream(DIALOGUE_KEYS.transcript(id))) as unknown as TranscriptEntry[];
  }

  /**
   * The last `turns` exchanges of the conversation for the generator prompt, read from the end of
   * its transcript (one XREVRANGE; only the generator route, which then waits for a model, pays it).
   */
  async history(id: string, turns: number): Promise<HistoryMessage[]> {
    // Room for the event lines between them: at most a barge-in per turn, plus start and end.
    const page = await this.redis.xrevrange(DIALOGUE_KEYS.transcript(id), '+', '-', 'COUNT', turns * 3 + 2);
    return historyFromTranscript(streamRecords(page).reverse() as unknown as TranscriptEntry[], turns * 2);
  }

  async audit(id: string): Promise<Record<string, unknown>[]> {
    return this.readStream(DIALOGUE_KEYS.audit(id));
  }

  /** Conversation ids started in [fromMs, toMs], oldest first (for the export). */
  async indexed(fromMs: number, toMs: number): Promise<string[]> {
    return this.redis.zrangebyscore(DIALOGUE_KEYS.index, fromMs, toMs);
  }

  private async readStream(key: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let from = '-';
    // Page through so a long conversation does not make one huge reply.
    for (;;) {
      const page = await this.redis.xrange(key, from, '+', 'COUNT', 500);
      out.push(...streamRecords(page));
      if (page.length < 500) return out;
      from = `(${page[page.length - 1][0]}`;
    }
  }

  private localEntry(id: string) {
    let entry = this.local.get(id);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.local.set(id, entry);
    }
    return entry;
  }

  private async acquireRedis(
    id: string,
    deadline: number,
  ): Promise<{ lock: ConversationLock; session: Session | undefined }> {
    const token = randomBytes(12).toString('base64url');
    let pause = 2;
    for (;;) {
      const [ok, raw, rev] = (await this.redis.sessionAcquire(
        DIALOGUE_KEYS.lock(id),
        DIALOGUE_KEYS.session(id),
        DIALOGUE_KEYS.rev(id),
        token,
        this.lockTtlMs,
      )) as [number, string | null | undefined, string | null | undefined];
      if (ok === 1) {
        return {
          lock: { conversationId: id, token, rev: Number(rev ?? 0) },
          session: raw ? (JSON.parse(raw) as Session) : undefined,
        };
      }
      // Another gateway holds it: poll with capped backoff until our wait bound.
      const left = deadline - Date.now();
      if (left <= 0) throw busy(id);
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, 50);
    }
  }
}

/** Define the scripts on the client once (ioredis keeps them per client and falls back to EVAL). */
function withSessionCommands(redis: Redis): Redis & SessionCommands {
  const r = redis as Redis & Partial<SessionCommands>;
  if (!r.sessionCommit) {
    redis.defineCommand('sessionAcquire', { numberOfKeys: 3, lua: ACQUIRE });
    redis.defineCommand('sessionCommit', { numberOfKeys: 5, lua: COMMIT });
    redis.defineCommand('sessionCommitCas', { numberOfKeys: 5, lua: COMMIT_CAS });
    redis.defineCommand('sessionRelease', { numberOfKeys: 1, lua: RELEASE });
  }
  return r as Redis & SessionCommands;
}

/** The JSON records of stream entries written by the commit scripts (field `e`), in the page's order. */
function streamRecords(page: [id: string, fields: string[]][]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [, fields] of page) {
    const i = fields.indexOf('e');
    if (i >= 0) out.push(JSON.parse(fields[i + 1]) as Record<string, unknown>);
  }
  return out;
}

/** Freeze a plain JSON-shaped value and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const busy = (id: string) =>
  new HuashuException('CONVERSATION_BUSY', 'another turn of this conversation is in progress; retry', [
    { conversationId: id },
  ]);

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Mutex, withTimeout, E_TIMEOUT, type MutexInterface } from 'async-mutex';
import type { Redis } from 'ioredis';
import { HuashuException } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from '@huashu/redis';
import { DIALOGUE_KEYS } from '../dialogue.constants.js';
import type { Session, TranscriptEntry } from './session.js';

/** Release the lock only if it is still ours (https://redis.io/docs/latest/commands/set/ "patterns"). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Take the lock and read the session in one round trip: {1, session|false} or {0}. */
const ACQUIRE = `
if redis.call('set', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]), 'NX') then
  return {1, redis.call('get', KEYS[2])}
end
return {0}`;

/**
 * Commit a turn atomically and only while the lock is still ours: session, transcript lines and
 * the audit record land together or not at all, so a turn that overran its lock cannot overwrite
 * a newer one (no lost update). The lock is released in the same round trip. ARGV: token, session JSON, session TTL s, retention s, audit JSON
 * ('' for none), then transcript JSON lines.
 */
const COMMIT = `
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('set', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
for i = 6, #ARGV do redis.call('xadd', KEYS[3], '*', 'e', ARGV[i]) end
redis.call('expire', KEYS[3], tonumber(ARGV[4]))
if ARGV[5] ~= '' then
  redis.call('xadd', KEYS[4], '*', 'e', ARGV[5])
  redis.call('expire', KEYS[4], tonumber(ARGV[4]))
end
redis.call('del', KEYS[1])
return 1`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A held conversation lock. */
export interface ConversationLock {
  readonly conversationId: string;
  readonly token: string;
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
 */
@Injectable()
export class SessionRepository implements OnModuleDestroy {
  private readonly local = new Map<string, { mutex: MutexInterface; users: number }>();
  private readonly ttl: number;
  private readonly retention: number;
  /** Longest a lock is held: the longest turn deadline plus slack for recording. */
  readonly lockTtlMs: number;
  readonly lockWaitMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttl = config.dialogue.sessionTtlSeconds;
    this.retention = config.dialogue.transcriptRetentionSeconds;
    this.lockWaitMs = config.dialogue.lockWaitMs;
    this.lockTtlMs = Math.max(config.dialogue.deadlines.restMs, config.dialogue.deadlines.phoneMs) + 5000;
  }

  onModuleDestroy(): void {
    this.local.clear();
  }

  newId(): string {
    return `c_${randomBytes(12).toString('base64url')}`;
  }

  async get(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(DIALOGUE_KEYS.session(id));
    return raw === null ? undefined : (JSON.parse(raw) as Session);
  }

  /** Store a new session with its first transcript lines, and index it for the export. */
  async create(session: Session, transcript: TranscriptEntry[]): Promise<void> {
    const multi = this.redis
      .multi()
      .set(DIALOGUE_KEYS.session(session.id), JSON.stringify(session), 'EX', this.ttl)
      .zadd(DIALOGUE_KEYS.index, Date.parse(session.createdAt), session.id)
      // The index only needs to cover what the export can still read.
      .zremrangebyscore(DIALOGUE_KEYS.index, '-inf', Date.now() - this.retention * 1000);
    for (const e of transcript) multi.xadd(DIALOGUE_KEYS.transcript(session.id), '*', 'e', JSON.stringify(e));
    multi.expire(DIALOGUE_KEYS.transcript(session.id), this.retention);
    const results = await multi.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw new Error(`session create failed: ${String(failed?.[0] ?? 'aborted')}`);
  }

  /**
   * Run `work` holding the conversation's lock. Waits at most `lockWaitMs` in total (local queue
   * plus Redis), then fails with 409 CONVERSATION_BUSY.
   */
  async withLock<T>(
    id: string,
    work: (lock: ConversationLock, session: Session | undefined) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    const entry = this.localEntry(id);
    entry.users++;
    let release: MutexInterface.Releaser | undefined;
    try {
      try {
        release = await withTimeout(entry.mutex, this.lockWaitMs).acquire();
      } catch (err) {
        if (err === E_TIMEOUT) throw busy(id);
        throw err;
      }
      const { lock, session } = await this.acquireRedis(id, deadline);
      try {
        return await work(lock, session);
      } finally {
        if (!lock.released) {
          await this.redis.eval(RELEASE, 1, DIALOGUE_KEYS.lock(id), lock.token).catch(() => undefined);
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
    const ok = await this.redis.eval(
      COMMIT,
      4,
      DIALOGUE_KEYS.lock(id),
      DIALOGUE_KEYS.session(id),
      DIALOGUE_KEYS.transcript(id),
      DIALOGUE_KEYS.audit(id),
      lock.token,
      JSON.stringify(session),
      this.ttl,
      this.retention,
      audit ? JSON.stringify(audit) : '',
      ...transcript.map((e) => JSON.stringify(e)),
    );
    if (ok === 1) lock.released = true;
    return ok === 1;
  }

  async transcript(id: string): Promise<TranscriptEntry[]> {
    return (await this.readStream(DIALOGUE_KEYS.transcript(id))) as unknown as TranscriptEntry[];
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
      for (const [, fields] of page) {
        const i = fields.indexOf('e');
        if (i >= 0) out.push(JSON.parse(fields[i + 1]) as Record<string, unknown>);
      }
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
      const [ok, raw] = (await this.redis.eval(
        ACQUIRE,
        2,
        DIALOGUE_KEYS.lock(id),
        DIALOGUE_KEYS.session(id),
        token,
        this.lockTtlMs,
      )) as [number, string | null | undefined];
      if (ok === 1) {
        return { lock: { conversationId: id, token }, session: raw ? (JSON.parse(raw) as Session) : undefined };
      }
      // Another gateway holds it: poll with capped backoff until our wait bound.
      const left = deadline - Date.now();
      if (left <= 0) throw busy(id);
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, 50);
    }
  }
}

const busy = (id: string) =>
  new HuashuException('CONVERSATION_BUSY', 'another turn of this conversation is in progress; retry', [
    { conversationId: id },
  ]);

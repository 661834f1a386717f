import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from '@huashu/redis';
import type { TelephonyOutcome, TelephonyPlatform } from './telephony-event.js';

/** Per-call state the adapters keep beside the dialogue session. */
export interface CallState {
  conversationId: string;
  campaignId: string;
  language: string;
  transferTarget?: string;
  /** Last text the caller was told: what a reprompt repeats. */
  lastSay?: string;
  /** Part of the last reply the caller actually heard before barging in. */
  heard?: string;
  /** Latest partial hypothesis (never answered, kept for the audit trail and debugging). */
  partial?: string;
  noInputCount: number;
  ended: boolean;
  /** The dialogue conversation was ended (DialoguePort.end called). */
  dialogueEnded?: boolean;
  endReason?: string;
  /** A transfer was handed to the platform and its result is pending: a failed one reopens the call. */
  transferring?: boolean;
  /** Epoch ms at which the platform's session limit ends the call's state (Genesys botSessionTimeout). */
  expiresAt?: number;
}

const PENDING = 'pending';

/** Delete a claim still pending (never an outcome already remembered): compare and delete in one step. */
const RELEASE_PENDING = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Call state and delivery de-duplication in Redis (keys get REDIS_KEY_PREFIX from the shared
 * client). Platforms retry webhooks on timeouts; an event id seen before returns the outcome of
 * its first delivery instead of running a second turn.
 */
@Injectable()
export class CallSessionStore {
  private readonly ttl: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttl = config.dialogue.sessionTtlSeconds;
  }

  private key(platform: TelephonyPlatform, callId: string): string {
    return `telephony:call:${platform}:${callId}`;
  }

  async get(platform: TelephonyPlatform, callId: string): Promise<CallState | undefined> {
    const raw = await this.redis.get(this.key(platform, callId));
    return raw ? (JSON.parse(raw) as CallState) : undefined;
  }

  /** Create the call unless it exists; returns false when another delivery created it first. */
  async create(platform: TelephonyPlatform, callId: string, state: CallState): Promise<boolean> {
    const ok = await this.redis.set(this.key(platform, callId), JSON.stringify(state), 'EX', this.ttl, 'NX');
    return ok === 'OK';
  }

  /**
   * Store the call's state for the session TTL, or for what is left of the platform's session
   * limit (`expiresAt`) when it has one: no save (a turn, a keep-alive) extends a limited session.
   */
  async save(platform: TelephonyPlatform, callId: string, state: CallState): Promise<void> {
    const ttl =
      state.expiresAt === undefined
        ? this.ttl
        : Math.max(1, Math.min(this.ttl, Math.ceil((state.expiresAt - Date.now()) / 1000)));
    await this.redis.set(this.key(platform, callId), JSON.stringify(state), 'EX', ttl);
  }

  /** Let the call's state lapse `seconds` after now (at most the session TTL; a platform's own limit). */
  async expireAfter(platform: TelephonyPlatform, callId: string, seconds: number): Promise<void> {
    const ttl = Math.max(1, Math.min(seconds, this.ttl));
    // The start's de-duplication record lapses with it, so the call id can start again afterwards.
    await this.redis
      .multi()
      .expire(this.key(platform, callId), ttl)
      .expire(this.dedupKey(platform, callId, 'start'), ttl)
      .exec();
  }

  /** Claim an event id: true for its first delivery, false for a retry/duplicate. */
  async claim(platform: TelephonyPlatform, callId: string, eventId: string): Promise<boolean> {
    const ok = await this.redis.set(this.dedupKey(platform, callId, eventId), PENDING, 'EX', this.ttl, 'NX');
    return ok === 'OK';
  }

  /**
   * Give back a claim whose delivery failed before it had an outcome, so the platform's retry runs
   * the event again instead of waiting on a claim nobody will fulfil for the session TTL.
   */
  async release(platform: TelephonyPlatform, callId: string, eventId: string): Promise<void> {
    await this.redis.eval(RELEASE_PENDING, 1, this.dedupKey(platform, callId, eventId), PENDING);
  }

  async remember(platform: TelephonyPlatform, callId: string, eventId: string, outcome: TelephonyOutcome) {
    await this.redis.set(this.dedupKey(platform, callId, eventId), JSON.stringify(outcome), 'EX', this.ttl);
  }

  /** Outcome of an event's first delivery, waiting (bounded) while that delivery still runs. */
  async recall(
    platform: TelephonyPlatform,
    callId: string,
    eventId: string,
    waitMs: number,
  ): Promise<TelephonyOutcome | undefined> {
    const until = Date.now() + waitMs;
    for (;;) {
      const raw = await this.redis.get(this.dedupKey(platform, callId, eventId));
      if (raw && raw !== PENDING) return JSON.parse(raw) as TelephonyOutcome;
      if (!raw || Date.now() >= until) return undefined;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private dedupKey(platform: TelephonyPlatform, callId: string, eventId: string): string {
    return `telephony:dedup:${platform}:${callId}:${eventId}`;
  }
}

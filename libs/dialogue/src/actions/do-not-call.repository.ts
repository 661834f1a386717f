import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '@huashu/redis';
import { DIALOGUE_KEYS } from '../dialogue.constants.js';
import { phoneDigest } from './phone-number.js';

/** The per-campaign do-not-call list: a Redis set of hashed E.164 numbers, kept forever. */
@Injectable()
export class DoNotCallRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async add(campaignId: string, e164: string): Promise<void> {
    await this.redis.sadd(DIALOGUE_KEYS.doNotCall(campaignId), phoneDigest(e164));
  }

  async has(campaignId: string, e164: string): Promise<boolean> {
    return (await this.redis.sismember(DIALOGUE_KEYS.doNotCall(campaignId), phoneDigest(e164))) === 1;
  }
}

import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { REDIS } from '@huashu/redis';
import { DIALOGUE_KEYS } from '../dialogue.constants.js';
import type { CallbackJob } from './callback-job.js';

/** Headers of a dialer webhook call. */
export const DIALER_HEADERS = {
  signature: 'x-huashu-signature',
  timestamp: 'x-huashu-timestamp',
  idempotencyKey: 'idempotency-key',
} as const;

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp is signed with the body
 * so a captured request cannot be replayed later (the Stripe/Slack webhook scheme).
 */
export const signDialerPayload = (secret: string, timestamp: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;

/** What happened to one delivery attempt. */
export type DeliveryOutcome = 'delivered' | 'already-delivered';

/**
 * POSTs a due callback to DIALER_WEBHOOK_URL, signed, and makes it fire at most once per job: a
 * Redis marker is claimed before the POST (so two workers never send the same job at once) and
 * kept as "sent" after a 2xx (so a retry after a lost acknowledgement does not send again). A
 * failed POST releases the claim and throws, and BullMQ retries with backoff. The job id also
 * goes out as Idempotency-Key, for a dialer that de-duplicates on its side.
 */
@Injectable()
export class DialerWebhookClient {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliver(jobId: string, job: CallbackJob): Promise<DeliveryOutcome> {
    const {
      dialerWebhookUrl: url,
      dialerWebhookSecret: secret,
      dialerWebhookTimeoutMs: timeoutMs,
    } = this.config.dialogue;
    if (!url) throw new UnrecoverableError('DIALER_WEBHOOK_URL is not set');
    const key = DIALOGUE_KEYS.callbackSent(jobId);
    const claimed = await this.redis.set(key, 'sending', 'PX', timeoutMs * 2, 'NX');
    if (claimed !== 'OK') {
      if ((await this.redis.get(key)) === 'sent') return 'already-delivered';
      throw new Error(`callback ${jobId} is being delivered by another worker`);
    }
    const body = JSON.stringify({ event: 'callback.due', id: jobId, ...job });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [DIALER_HEADERS.timestamp]: timestamp,
      [DIALER_HEADERS.idempotencyKey]: jobId,
    };
    if (secret) headers[DIALER_HEADERS.signature] = signDialerPayload(secret, timestamp, body);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`dialer webhook answered ${res.status}`);
    } catch (err) {
      await this.redis.del(key);
      throw err;
    }
    await this.redis.set(key, 'sent', 'EX', this.config.dialogue.transcriptRetentionSeconds);
    return 'delivered';
  }
}

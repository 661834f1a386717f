import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobId, REDIS } from '@huashu/redis';
import { phoneDigest } from '../actions/phone-number.js';
import { CALLBACK_JOBS, DIALOGUE_KEYS, DIALOGUE_QUEUES } from '../dialogue.constants.js';
import type { CallbackJob } from './callback-job.js';
import { CALLBACK_DROP_REASONS, CALLBACK_DROP_STAGES, CallbackMetrics } from './callback.metrics.js';

/** Attempts of one callback delivery (exponential backoff from 1 s). */
export const CALLBACK_ATTEMPTS = 5;

/**
 * How long a number's pending-callback index outlives the latest job it holds: past the retries'
 * backoff (1 + 2 + 4 + 8 s) with room to spare. The worker takes a delivered job's id out at once.
 */
const PENDING_INDEX_GRACE_MS = 86_400_000;

/** Producer facade of the callbacks queue. */
@Injectable()
export class CallbackScheduler {
  private readonly logger = new Logger(CallbackScheduler.name);

  constructor(
    @InjectQueue(DIALOGUE_QUEUES.callbacks) private readonly queue: Queue<CallbackJob>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: CallbackMetrics,
  ) {}

  /**
   * Schedule the dialer callback at `job.dueAt`. The job id is derived from the conversation and
   * turn, so a retried or repeated request never schedules a second callback. A job with a phone
   * number is also put in the number's pending index (per campaign) first, so a listing that comes
   * while the job is being added still finds it.
   */
  async schedule(job: CallbackJob): Promise<string> {
    const id = jobId('callback', job.conversationId, job.turn);
    const delay = Math.max(0, Date.parse(job.dueAt) - Date.now());
    if (job.phone) {
      const key = DIALOGUE_KEYS.pendingCallbacks(job.campaignId, phoneDigest(job.phone));
      const ttl = delay + PENDING_INDEX_GRACE_MS;
      // NX sets the first expiry, GT only ever lengthens it (a later callback of the same number).
      await this.redis.multi().sadd(key, id).pexpire(key, ttl, 'NX').pexpire(key, ttl, 'GT').exec();
    }
    await this.queue.add(CALLBACK_JOBS.callBack, job, {
      jobId: id,
      delay,
      attempts: CALLBACK_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
    });
    return id;
  }

  /**
   * Remove the callbacks of `e164` in `campaignId` not yet delivered (the number was just put on the
   * do-not-call list): the jobs its pending index names, without scanning the queue. A job the worker
   * holds at this moment cannot be removed; the worker's own do-not-call check before the POST drops it.
   * Returns how many jobs were removed.
   */
  async cancelFor(campaignId: string, e164: string): Promise<number> {
    const key = DIALOGUE_KEYS.pendingCallbacks(campaignId, phoneDigest(e164));
    const ids = await this.redis.smembers(key);
    let removed = 0;
    for (const id of ids) {
      try {
        removed += (await this.queue.remove(id)) === 1 ? 1 : 0;
      } catch (err) {
        this.logger.warn({ err, jobId: id, campaignId }, 'callback of a listed number not removed');
      }
    }
    if (ids.length > 0) await this.redis.srem(key, ...ids);
    if (removed > 0) {
      this.metrics.dropped.inc(
        { reason: CALLBACK_DROP_REASONS.doNotCall, stage: CALLBACK_DROP_STAGES.listing },
        removed,
      );
      this.logger.log(
        { campaignId, removed, jobIds: ids },
        'callbacks removed: the number was put on the do-not-call list',
      );
    }
    return removed;
  }

  /** A callback decided for a number already on the do-not-call list: not scheduled, and counted. */
  notScheduledForListed(): void {
    this.metrics.dropped.inc({ reason: CALLBACK_DROP_REASONS.doNotCall, stage: CALLBACK_DROP_STAGES.schedule });
  }

  /** The job is done with (delivered or dropped): out of its number's pending index. */
  async forget(job: Pick<CallbackJob, 'campaignId' | 'phone'>, id: string): Promise<void> {
    if (job.phone) await this.redis.srem(DIALOGUE_KEYS.pendingCallbacks(job.campaignId, phoneDigest(job.phone)), id);
  }
}

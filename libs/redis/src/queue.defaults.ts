import type { DefaultJobOptions } from 'bullmq';

/** Default options of every BullMQ job, in one place. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 5000 },
};

/** BullMQ rejects ':' in custom job ids; join parts with '-'. */
export const jobId = (...parts: (string | number)[]): string =>
  parts.map((p) => String(p).replace(/:/g, '_')).join('-');

// ioredis rejects commands with plain Errors whose message says why; these are the ones that mean
// "Redis is not reachable right now" rather than a bug in the caller, so the error filter can
// answer 503 SERVICE_UNAVAILABLE (retry later) instead of 500.
const UNAVAILABLE_MESSAGES = [
  // enableOfflineQueue: false (the shared client) while disconnected
  /^Stream isn't writeable/,
  /^Connection is closed/,
  /^Command timed out/,
  // the dataset is being loaded (AOF replay after a restart)
  /^LOADING\b/,
];

/** Whether `err` says Redis is unreachable or not serving yet (outage, restart, AOF loading). */
export function isRedisUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // Thrown when a command has been retried maxRetriesPerRequest times across reconnects.
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return UNAVAILABLE_MESSAGES.some((re) => re.test(err.message));
}

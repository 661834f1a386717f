/** Where ErrorLogThrottle writes: Nest Logger levels. */
export interface ThrottledLog {
  warn(message: string): void;
  log(message: string): void;
}

/**
 * De-duplicates the errors of one connection (a BullMQ Queue or Worker): while Redis is down, ioredis
 * fails every reconnect attempt (up to one every 5 s per connection, for as long as the outage lasts)
 * and BullMQ emits each one. The first error of each code is logged; repeats are counted and logged
 * as one summary line at most every `intervalMs`; the first reconnect after errors is logged once,
 * with how many were suppressed.
 *
 * Hand-written: the libraries at hand (pino, cockatiel) have no log de-duplication, and this is one
 * map of counters.
 */
export class ErrorLogThrottle {
  /** Per error code: repeats not logged yet and when the last line for it was written. */
  private readonly codes = new Map<string, { suppressed: number; loggedAt: number }>();
  private total = 0;

  constructor(
    private readonly label: string,
    private readonly log: ThrottledLog,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  error(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code ?? err.name;
    const at = this.now();
    this.total += 1;
    const seen = this.codes.get(code);
    if (!seen) {
      this.codes.set(code, { suppressed: 0, loggedAt: at });
      this.log.warn(`${this.label}: ${err.message}`);
      return;
    }
    seen.suppressed += 1;
    if (at - seen.loggedAt < this.intervalMs) return;
    this.log.warn(`${this.label}: ${err.message} (${code} ${seen.suppressed} times since the last line about it)`);
    seen.suppressed = 0;
    seen.loggedAt = at;
  }

  /** The connection is ready again: say so once if it had failed, and start counting afresh. */
  recovered(): void {
    if (this.total === 0) return;
    this.log.log(`${this.label}: Redis connection ready again after ${this.total} errors`);
    this.total = 0;
    this.codes.clear();
  }
}

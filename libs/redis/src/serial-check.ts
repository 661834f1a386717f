/**
 * Runs a check so that runs never overlap and a request made while one runs is not lost: the check
 * runs once more after the running one (once, however many were asked meanwhile), and every caller
 * waits for that. Joining the running check alone would hand the caller a reading taken before
 * whatever made it ask (a reconnect to another server mid-check, a loss just after the read).
 * Hand-written: queue and mutex libraries (p-queue, async-mutex) run every request or none, not
 * "the latest once more".
 */
export class SerialCheck {
  private running?: Promise<void>;
  private again = false;

  /**
   * @param once the check; async (a synchronous throw would end the loop before `running` is set).
   * @param dropped told of a failed check that another run followed: its callers get that run's outcome,
   *   so nobody else hears of this failure.
   */
  constructor(
    private readonly once: () => Promise<void>,
    private readonly dropped: (err: unknown) => void,
  ) {}

  /** Resolves, or rejects with the failure of, the last check run for this request. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    // `running` is cleared in the same step as the last test of `again` (not in a later `.finally`
    // callback), so a run() asked after that test starts a new loop instead of joining this finished one.
    try {
      do {
        this.again = false;
        try {
          await this.once();
        } catch (err) {
          if (!this.again) throw err;
          this.dropped(err);
        }
      } while (this.again);
    } finally {
      this.running = undefined;
    }
  }
}

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

  constructor(private readonly once: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.once();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }
}

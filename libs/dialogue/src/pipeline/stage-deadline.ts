import { withDeadline } from '@huashu/common';

/** A pipeline stage overran its budget; the turn degrades to a fallback script. */
export class StageTimeoutError extends Error {
  constructor(
    readonly stage: string,
    readonly budgetMs: number,
  ) {
    super(`${stage} exceeded its ${budgetMs} ms budget`);
    this.name = 'StageTimeoutError';
  }
}

/**
 * The turn's clock: each stage gets the smaller of its own budget and what is left of the turn,
 * so a slow stage never pushes the turn past its deadline.
 */
export class TurnClock {
  constructor(
    private readonly start: number,
    private readonly turnMs: number,
  ) {}

  left(): number {
    return Math.max(0, this.start + this.turnMs - performance.now());
  }

  budget(stageMs: number): number {
    return Math.max(0, Math.min(stageMs, this.left()));
  }

  /** Run `work` within the stage budget; rejects with StageTimeoutError when it overruns. */
  run<T>(stage: string, stageMs: number, work: () => Promise<T>): Promise<T> {
    const ms = this.budget(stageMs);
    if (ms <= 0) return Promise.reject(new StageTimeoutError(stage, 0));
    return withDeadline(work(), ms, () => new StageTimeoutError(stage, ms));
  }
}

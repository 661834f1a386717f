import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by `n` (default 1) and update the payload shown after the bar (e.g. loss). */
  tick(n?: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A progress bar on stderr for CLI work (training, evaluation, benchmarks). Silent when stderr is
 * not a terminal or `quiet` is set, so tests and CI logs stay clean.
 */
export function createProgress(label: string, total: number, opts: { quiet?: boolean } = {}): Progress {
  if (opts.quiet || !process.stderr.isTTY) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} {info}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: '' });
  return {
    tick: (n = 1, payload) => {
      const info = payload
        ? Object.entries(payload)
            .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(4) : v}`)
            .join(' ')
        : undefined;
      bar.increment(n, info === undefined ? undefined : { info });
    },
    stop: () => bar.stop(),
  };
}

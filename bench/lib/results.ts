import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** Percentile (0-100) of a sample, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

/** A figure rounded to 3 decimals, as every result file reports them. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** n, p50, p90, p99 and max of a sample (ms or µs, as given), rounded to 3 decimals. */
export function summarise(xs: number[]): { n: number; p50: number; p90: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: round3(percentile(s, 50)),
    p90: round3(percentile(s, 90)),
    p99: round3(percentile(s, 99)),
    max: round3(s[s.length - 1]),
  };
}

/** Write a benchmark's JSON result under bench/results/, with the machine it ran on. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  const file = join(process.cwd(), 'bench', 'results', `${name}.json`);
  mkdirSync(dirname(file), { recursive: true });
  const body = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
    },
    ...result,
  };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  return file;
}

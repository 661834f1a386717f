// Preloaded into the gateway by `npm run reliability` (`node --expose-gc --import <this file>`): on SIGUSR2
// it runs a full garbage collection and writes the process's memory figures to `gcProbeFile(pid)`. The heap
// in use right after a full GC is the live heap; the heap sampled under load also holds garbage not yet
// collected (V8 lets the old generation grow to about twice the live size before a major GC), and RSS keeps
// whatever V8 and malloc once committed. Only the harness sends SIGUSR2; the app itself never sees it.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Memory figures after a full GC, as the probe writes them. */
export interface GcProbeReading {
  /** Epoch ms when the reading was taken. */
  at: number;
  /** How long the forced GC took (ms): the gateway's event loop stood still that long. */
  gcMs: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export const gcProbeFile = (pid: number): string => join(tmpdir(), `huashu-gc-probe-${pid}.json`);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  process.on('SIGUSR2', () => {
    const started = performance.now();
    gc();
    const gcMs = performance.now() - started;
    const m = process.memoryUsage();
    const reading: GcProbeReading = {
      at: Date.now(),
      gcMs,
      rss: m.rss,
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
    };
    writeFileSync(gcProbeFile(process.pid), JSON.stringify(reading));
  });
}

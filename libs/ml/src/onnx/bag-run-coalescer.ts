import type { SparseFeatures } from '../text/hashed-featuriser.js';
import { HashedFeaturiser } from '../text/hashed-featuriser.js';
import type { InferenceSession } from './inference-session.port.js';

/** Names of a bag model's inputs (`ids` int32 [batch, features], `weights` float32 [batch, features, 1]) and its output. */
export interface BagModelIo {
  ids: string;
  weights: string;
  /** A float32 [batch, width] output: one row per text. */
  output: string;
}

interface Pending {
  rows: SparseFeatures[];
  resolve: (rows: Float32Array<ArrayBuffer>[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces the runs of a hashed-feature bag model that callers start in the same event-loop turn
 * into one session run per `maxBatch` rows.
 *
 * A run of these models costs ~20-30 µs of fixed overhead (the binding's tensor marshalling and
 * onnxruntime's executor) and well under 1 µs per extra row (bench:turns README section): a busy
 * gateway classifies and embeds one utterance per turn, and the turns whose requests arrive in one
 * poll phase would otherwise each pay the fixed cost. Rows are padded with weight-0 features, which
 * add exactly zero to the bag, so a row's output does not depend on what it was batched with.
 *
 * Hand-written: onnxruntime has no request batching for in-process sessions (Triton-style dynamic
 * batching is a server feature), and the inputs here are our own sparse bag format.
 */
export class BagRunCoalescer {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly session: InferenceSession,
    private readonly io: BagModelIo,
    /** Most rows per session run: keeps the [batch, features, dim] intermediates cache-sized. */
    private readonly maxBatch = 16,
  ) {}

  /** One output row per features row, from runs shared with the other callers of this loop turn. */
  run(rows: SparseFeatures[]): Promise<Float32Array<ArrayBuffer>[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // The check phase after this poll phase: every request parsed in the same loop turn has
        // queued its rows by then. onnxruntime-node itself defers each run to setImmediate, so the
        // uncoalesced path waited for a check phase too.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    if (batch.length === 1 && batch[0].rows.length <= this.maxBatch) {
      // The common case on a quiet gateway: one caller, one run, nothing to split.
      const [only] = batch;
      await this.exec(only.rows).then(only.resolve, only.reject);
      return;
    }
    // Chunks of whole requests where possible; a request larger than maxBatch spans several chunks.
    const results = batch.map((p) => new Array<Float32Array<ArrayBuffer>>(p.rows.length));
    const failed = new Map<number, unknown>();
    let chunk: { request: number; row: number }[] = [];
    const runChunk = async (): Promise<void> => {
      const items = chunk;
      chunk = [];
      try {
        const out = await this.exec(items.map(({ request, row }) => batch[request].rows[row]));
        items.forEach(({ request, row }, i) => (results[request][row] = out[i]));
      } catch (err) {
        for (const { request } of items) if (!failed.has(request)) failed.set(request, err);
      }
    };
    for (let request = 0; request < batch.length; request++) {
      for (let row = 0; row < batch[request].rows.length; row++) {
        chunk.push({ request, row });
        if (chunk.length === this.maxBatch) await runChunk();
      }
    }
    if (chunk.length > 0) await runChunk();
    batch.forEach((p, i) => (failed.has(i) ? p.reject(failed.get(i)) : p.resolve(results[i])));
  }

  private async exec(rows: SparseFeatures[]): Promise<Float32Array<ArrayBuffer>[]> {
    const padded = HashedFeaturiser.pad(rows);
    const out = await this.session.run(
      {
        [this.io.ids]: { type: 'int32', data: padded.ids, dims: [rows.length, padded.length] },
        [this.io.weights]: { type: 'float32', data: padded.weights, dims: [rows.length, padded.length, 1] },
      },
      [this.io.output],
    );
    const data = out[this.io.output].data as Float32Array;
    const width = data.length / rows.length;
    return rows.map((_, i) => data.slice(i * width, (i + 1) * width));
  }
}

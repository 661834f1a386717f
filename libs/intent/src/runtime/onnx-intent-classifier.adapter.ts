import { watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { HuashuException } from '@huashu/common';
import type { InferenceRuntime, Precision } from '@huashu/ml';
import type { IntentClassifier, IntentPrediction } from '../intent-classifier.port.js';
import { BagMlpIntentModel, IntentModelMismatchError } from './bag-mlp-intent.model.js';
import { toPrediction, type LoadedIntentModel } from './intent-model.js';
import { isTransformerDir, TransformerIntentModel } from './transformer-intent.model.js';

/** Longest text classified; the rest is ignored (features are capped anyway, this bounds CPU). */
export const MAX_CLASSIFY_CHARS = 2000;

export interface OnnxIntentClassifierOptions {
  /** Model directory (a bag-MLP build, or a transformer directory with tokenizer.json). */
  dir: string;
  precision: Precision;
  /** Watch the directory and reload on change (default true). */
  watch?: boolean;
  /** Quiet period after the last file event before reloading (writers rename several files). */
  debounceMs?: number;
  /** Called after every successful classification (metrics). */
  onClassified?: (predictions: IntentPrediction[], seconds: number) => void;
}

interface Slot {
  model: LoadedIntentModel;
  inflight: number;
  retired: boolean;
}

/** Status for readiness and the admin API. */
export interface IntentModelStatus {
  up: boolean;
  dir: string;
  kind?: string;
  precision?: string;
  version?: string;
  reloads: number;
  lastError?: string;
}

/**
 * The IntentClassifier adapter over ONNX models.
 *
 * Hot reload: the model directory is watched (fs.watch on the directory, because `intent:train`
 * replaces files by rename, which a watch on the file itself would lose). After a quiet period the
 * new model is loaded beside the old one and swapped in with one assignment; requests already
 * running finish on the model they started with, which is released when the last of them ends.
 * A half-written or mismatched directory (metadata hash ≠ file) is ignored until the next change,
 * so a broken write never replaces a working model. We chose a watch over an admin reload
 * endpoint because every gateway replica then follows its own models directory without a fan-out
 * and without another privileged route; `reload()` is public for deployments whose filesystem
 * does not deliver events (some network mounts).
 *
 * Event loop: onnxruntime-node runs the session synchronously on the main thread. For the shipped
 * model one run takes tens of microseconds (bench:intent measures it and the event-loop delay
 * under load), so no worker thread is used; a large user-supplied transformer would warrant one.
 */
export class OnnxIntentClassifier implements IntentClassifier {
  private readonly logger = new Logger('IntentClassifier');
  private slot: Slot | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reloading: Promise<void> = Promise.resolve();
  private reloads = 0;
  private lastError: string | undefined;
  readonly dir: string;

  constructor(
    private readonly runtime: InferenceRuntime,
    private readonly opts: OnnxIntentClassifierOptions,
  ) {
    this.dir = isAbsolute(opts.dir) ? opts.dir : resolve(opts.dir);
  }

  /** Load the model and start watching. A missing model is reported by readiness, not thrown. */
  async start(): Promise<void> {
    await this.reload();
    if (this.opts.watch ?? true) {
      try {
        this.watcher = watch(this.dir, { persistent: false }, () => this.schedule());
        this.watcher.on('error', (e) => this.logger.warn(`model directory watch failed: ${e.message}`));
      } catch (e) {
        this.logger.warn(`cannot watch ${this.dir}: ${(e as Error).message}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    await this.reloading;
    const slot = this.slot;
    this.slot = null;
    if (slot) await this.retire(slot);
  }

  /** Load the directory's model now and swap it in if it differs from the current one. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.doReload());
    return this.reloading;
  }

  status(): IntentModelStatus {
    const m = this.slot?.model;
    return {
      up: m !== undefined,
      dir: this.dir,
      kind: m?.kind,
      precision: m?.precision,
      version: m?.version,
      reloads: this.reloads,
      lastError: this.lastError,
    };
  }

  async classify(text: string, opts: { threshold?: number } = {}): Promise<IntentPrediction> {
    const [p] = await this.classifyBatch([text], opts);
    return p;
  }

  /** Classify several texts in one session run. */
  async classifyBatch(texts: string[], opts: { threshold?: number } = {}): Promise<IntentPrediction[]> {
    const slot = this.slot;
    if (!slot) {
      throw new HuashuException('SERVICE_UNAVAILABLE', 'the intent model is not loaded', [
        { dir: this.dir, reason: this.lastError ?? 'no model' },
      ]);
    }
    slot.inflight++;
    const started = performance.now();
    try {
      const probs = await slot.model.probabilities(texts.map((t) => t.slice(0, MAX_CLASSIFY_CHARS)));
      const threshold = opts.threshold ?? slot.model.threshold;
      const predictions = probs.map((p) => toPrediction(p, slot.model.labels, threshold));
      this.opts.onClassified?.(predictions, (performance.now() - started) / 1000);
      return predictions;
    } finally {
      slot.inflight--;
      if (slot.retired && slot.inflight === 0) void this.releaseModel(slot);
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reload();
    }, this.opts.debounceMs ?? 200);
  }

  private async doReload(): Promise<void> {
    let next: LoadedIntentModel;
    try {
      next = isTransformerDir(this.dir)
        ? await TransformerIntentModel.load(this.dir, this.runtime)
        : await BagMlpIntentModel.load(this.dir, this.opts.precision, this.runtime);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.lastError = message;
      const level = e instanceof IntentModelMismatchError ? 'debug' : 'warn';
      this.logger[level](`intent model not (re)loaded from ${this.dir}: ${message}`);
      return;
    }
    this.lastError = undefined;
    if (this.slot && this.slot.model.version === next.version) {
      await next.release();
      return;
    }
    const previous = this.slot;
    this.slot = { model: next, inflight: 0, retired: false };
    if (previous) {
      this.reloads++;
      this.logger.log(`intent model reloaded: ${next.kind} ${next.precision} ${next.version.slice(0, 12)}`);
      await this.retire(previous);
    }
  }

  private async retire(slot: Slot): Promise<void> {
    slot.retired = true;
    if (slot.inflight === 0) await this.releaseModel(slot);
  }

  private released = new WeakSet<Slot>();

  private async releaseModel(slot: Slot): Promise<void> {
    if (this.released.has(slot)) return;
    this.released.add(slot);
    await slot.model.release();
  }
}

/** Where the configured model lives: INTENT_MODEL_PATH, else MODELS_DIR/intent. */
export const intentModelDir = (config: { paths: { models: string }; intent: { modelPath?: string } }): string =>
  config.intent.modelPath ?? join(config.paths.models, 'intent');

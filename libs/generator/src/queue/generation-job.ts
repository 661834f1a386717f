import type { ChatMessage, GenerateChunk, GenerateResult, SamplingParams } from '../generator.port.js';

/** Payload of a `generation` job. */
export interface GenerationJobData {
  messages: ChatMessage[];
  params: SamplingParams;
  /** Epoch ms after which nobody waits for the answer: the worker discards the job (stale). */
  deadlineAt: number;
  /** Publish text/sentence chunks as job progress while generating. */
  stream: boolean;
}

/** A job's return value: results and typed failures both travel as data, so the kind survives the queue. */
export type GenerationJobResult =
  { ok: true; result: GenerateResult } | { ok: false; error: { kind: string; message: string } };

/** Job progress while streaming: chunks numbered so a gateway can tell a gap. */
export interface GenerationProgress {
  seq: number;
  chunk: GenerateChunk;
}

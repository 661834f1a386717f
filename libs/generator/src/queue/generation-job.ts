import type { ChatMessage, GenerateChunk, GenerateResult, SamplingParams } from '../generator.port.js';

/** Payload of a `generation` job. */
export interface GenerationJobData {
  messages: ChatMessage[];
  params: SamplingParams;
  /** Epoch ms after which nobody waits for the answer: the worker discards the job (stale). */
  deadlineAt: number;
  /** Send text/sentence chunks while generating. */
  stream: boolean;
  /**
   * Pub/sub channel of the waiting gateway: the worker publishes chunks and the outcome there
   * (GenerationReply) as soon as it has them. Without it, chunks go out as job progress and the outcome
   * only as the job's return value.
   */
  replyTo?: string;
}

/** A job's return value: results and typed failures both travel as data, so the kind survives the queue. */
export type GenerationJobResult =
  { ok: true; result: GenerateResult } | { ok: false; error: { kind: string; message: string } };

/** Job progress while streaming: chunks numbered so a gateway can tell a gap. */
export interface GenerationProgress {
  seq: number;
  chunk: GenerateChunk;
}

/**
 * A message on a gateway's reply channel: streamed chunks (those produced in one event-loop turn
 * together; `seq` numbers the first) and, in the job's last message, its outcome.
 */
export interface GenerationReply {
  id: string;
  seq?: number;
  chunks?: GenerateChunk[];
  outcome?: GenerationJobResult;
}

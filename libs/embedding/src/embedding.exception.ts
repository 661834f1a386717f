import { HuashuException, type ErrorCode } from '@huashu/common';

/**
 * Why an embedding failed. The turn pipeline degrades to a fallback script on any of them; the
 * kind tells operators (and tests) what broke.
 */
export const EMBEDDING_FAILURES = {
  /** The model or server is not loaded / reachable yet. */
  unavailable: 'unavailable',
  /** The embeddings server did not answer within EMBEDDINGS_TIMEOUT_MS (after retries). */
  timeout: 'timeout',
  /** The server answered, but not with what the protocol promises (status, shape, count, dim). */
  bad_response: 'bad_response',
  /** The caller passed something that cannot be embedded. */
  invalid_input: 'invalid_input',
} as const;

export type EmbeddingFailure = (typeof EMBEDDING_FAILURES)[keyof typeof EMBEDDING_FAILURES];

const STATUS_OF: Record<EmbeddingFailure, ErrorCode> = {
  unavailable: 'SERVICE_UNAVAILABLE',
  timeout: 'UPSTREAM_TIMEOUT',
  bad_response: 'SERVICE_UNAVAILABLE',
  invalid_input: 'VALIDATION_FAILED',
};

/** The one error type every embedder adapter throws. */
export class EmbeddingException extends HuashuException {
  constructor(
    readonly failure: EmbeddingFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(STATUS_OF[failure], message, [{ failure }], options);
    this.name = 'EmbeddingException';
  }
}

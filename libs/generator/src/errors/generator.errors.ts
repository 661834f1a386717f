import { HuashuException, type ErrorCode } from '@huashu/common';

/** Why a generation failed, as one `as const` object so callers can branch on it. */
export const GENERATOR_ERROR_KINDS = {
  timeout: 'timeout',
  cancelled: 'cancelled',
  refusal: 'refusal',
  rateLimited: 'rate_limited',
  badResponse: 'bad_response',
  unavailable: 'unavailable',
  invalidParams: 'invalid_params',
  clientError: 'client_error',
  noAnswer: 'no_answer',
} as const;
export type GeneratorErrorKind = (typeof GENERATOR_ERROR_KINDS)[keyof typeof GENERATOR_ERROR_KINDS];

/**
 * Base of every generator failure. Subclasses HuashuException so the gateway filter maps it to the
 * binding error body; `kind` says what went wrong and `retryable` whether another attempt may help.
 * `name` is the class's own (GeneratorTimeoutError …), as logs and audits show it.
 */
export class GeneratorError extends HuashuException {
  constructor(
    code: ErrorCode,
    readonly kind: GeneratorErrorKind,
    message: string,
    readonly retryable: boolean,
    details: unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = new.target.name;
  }
}

/**
 * The base of the failures that are never retried and whose message is `prefix` and the text given:
 * one constructor for the classes that differ only in code, kind and prefix.
 */
const finalError = (code: ErrorCode, kind: GeneratorErrorKind, prefix: string) =>
  class extends GeneratorError {
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, kind, prefix + message, false, [], options);
    }
  };

/** The turn's deadline passed before the backend answered (the upstream request was aborted). */
export class GeneratorTimeoutError extends GeneratorError {
  constructor(deadlineMs: number, options?: { cause?: unknown }) {
    super(
      'UPSTREAM_TIMEOUT',
      GENERATOR_ERROR_KINDS.timeout,
      `generation exceeded its ${deadlineMs} ms deadline`,
      false,
      [],
      options,
    );
  }
}

/** The caller hung up (its AbortSignal fired); the upstream request was aborted. */
export class GeneratorCancelledError extends GeneratorError {
  constructor(options?: { cause?: unknown }) {
    super(
      'SERVICE_UNAVAILABLE',
      GENERATOR_ERROR_KINDS.cancelled,
      'generation cancelled by the caller',
      false,
      [],
      options,
    );
  }
}

/** The model declined (content filter, or an explicit refusal field). Not retried. */
export class GeneratorRefusalError extends finalError(
  'UNPROCESSABLE',
  GENERATOR_ERROR_KINDS.refusal,
  'model refused: ',
) {}

/** HTTP 429 from the backend; `retryAfterMs` when the server said so. Retried while the deadline allows. */
export class GeneratorRateLimitError extends GeneratorError {
  constructor(
    readonly retryAfterMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super('RATE_LIMITED', GENERATOR_ERROR_KINDS.rateLimited, 'generation backend is rate limiting', true, [], options);
  }
}

/**
 * The backend answered something unusable: 5xx, garbage, a cut stream, an empty choice. `retryAfterMs`
 * when a 503 said when to come back (a model still loading).
 */
export class GeneratorBadResponseError extends GeneratorError {
  readonly retryAfterMs?: number;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(
      'SERVICE_UNAVAILABLE',
      GENERATOR_ERROR_KINDS.badResponse,
      `bad response from generation backend: ${message}`,
      retryable,
      [],
      options,
    );
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The backend refused this request (HTTP 4xx other than 408/429: prompt over the context length, an
 * unsupported parameter, a bad key). Not retried, and not a sign of the server's health: the breaker
 * does not count it. The message keeps the server's own text.
 */
export class GeneratorClientError extends finalError(
  'SERVICE_UNAVAILABLE',
  GENERATOR_ERROR_KINDS.clientError,
  'generation backend rejected the request: HTTP ',
) {
  constructor(httpStatus: number, message: string, options?: { cause?: unknown }) {
    super(`${httpStatus}: ${message}`, options);
  }
}

/**
 * The model stopped without an answer for a reason of its own (its token budget spent on reasoning,
 * `finish_reason: "length"` with no content). Retrying the same request would spend the same budget the
 * same way, and the server is healthy: not retried, not a breaker failure.
 */
export class GeneratorNoAnswerError extends finalError(
  'SERVICE_UNAVAILABLE',
  GENERATOR_ERROR_KINDS.noAnswer,
  'no answer from the model: ',
) {}

/** The backend's circuit breaker is open (or it cannot be reached): fail fast, degrade the turn. */
export class GeneratorUnavailableError extends finalError(
  'SERVICE_UNAVAILABLE',
  GENERATOR_ERROR_KINDS.unavailable,
  '',
) {}

/** Sampling parameters failed validation; `details` lists `{field, rule}` like the HTTP validation errors. */
export class InvalidSamplingParamsError extends GeneratorError {
  constructor(details: { field: string; rule: string }[]) {
    super(
      'VALIDATION_FAILED',
      GENERATOR_ERROR_KINDS.invalidParams,
      `invalid sampling parameters: ${details.map((d) => `${d.field} ${d.rule}`).join('; ')}`,
      false,
      details,
    );
  }
}

/**
 * Rebuild a typed error from its kind and message (a job result crossing the queue arrives as JSON),
 * so the gateway sees the same class the worker threw.
 */
export function generatorErrorFromKind(kind: string, message: string): GeneratorError {
  switch (kind) {
    case GENERATOR_ERROR_KINDS.timeout:
      return Object.assign(new GeneratorTimeoutError(0), { message });
    case GENERATOR_ERROR_KINDS.cancelled:
      return Object.assign(new GeneratorCancelledError(), { message });
    case GENERATOR_ERROR_KINDS.refusal:
      return Object.assign(new GeneratorRefusalError(''), { message });
    case GENERATOR_ERROR_KINDS.rateLimited:
      return Object.assign(new GeneratorRateLimitError(undefined), { message });
    case GENERATOR_ERROR_KINDS.invalidParams:
      return Object.assign(new InvalidSamplingParamsError([]), { message });
    case GENERATOR_ERROR_KINDS.unavailable:
      return new GeneratorUnavailableError(message);
    case GENERATOR_ERROR_KINDS.clientError:
      return Object.assign(new GeneratorClientError(0, ''), { message });
    case GENERATOR_ERROR_KINDS.noAnswer:
      return Object.assign(new GeneratorNoAnswerError(''), { message });
    default:
      return Object.assign(new GeneratorBadResponseError('', false), { message });
  }
}

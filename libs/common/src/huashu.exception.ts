import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * The one exception domain code throws. The gateway's filter maps `code` to the HTTP status and
 * the binding error body; libs subclass it only to add typed `details`.
 */
export class HuashuException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HuashuException';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

import { HuashuException } from '@huashu/common';
import {
  GeneratorBadResponseError,
  GeneratorCancelledError,
  GeneratorClientError,
  GeneratorError,
  generatorErrorFromKind,
  GeneratorNoAnswerError,
  GeneratorRateLimitError,
  GeneratorRefusalError,
  GeneratorTimeoutError,
  GeneratorUnavailableError,
  InvalidSamplingParamsError,
} from './generator.errors.js';

// What callers, the error filter, logs and audits see of each error: its class, name, code, kind,
// message, retryability and cause.
describe('generator errors', () => {
  const cause = new Error('socket hang up');
  const cases: [GeneratorError, string, string, string, string, boolean][] = [
    [
      new GeneratorTimeoutError(800, { cause }),
      'GeneratorTimeoutError',
      'UPSTREAM_TIMEOUT',
      'timeout',
      'generation exceeded its 800 ms deadline',
      false,
    ],
    [
      new GeneratorCancelledError({ cause }),
      'GeneratorCancelledError',
      'SERVICE_UNAVAILABLE',
      'cancelled',
      'generation cancelled by the caller',
      false,
    ],
    [
      new GeneratorRefusalError('content filter', { cause }),
      'GeneratorRefusalError',
      'UNPROCESSABLE',
      'refusal',
      'model refused: content filter',
      false,
    ],
    [
      new GeneratorRateLimitError(1000, { cause }),
      'GeneratorRateLimitError',
      'RATE_LIMITED',
      'rate_limited',
      'generation backend is rate limiting',
      true,
    ],
    [
      new GeneratorBadResponseError('HTTP 502: bad gateway', true, { cause }),
      'GeneratorBadResponseError',
      'SERVICE_UNAVAILABLE',
      'bad_response',
      'bad response from generation backend: HTTP 502: bad gateway',
      true,
    ],
    [
      new GeneratorClientError(400, 'context too long', { cause }),
      'GeneratorClientError',
      'SERVICE_UNAVAILABLE',
      'client_error',
      'generation backend rejected the request: HTTP 400: context too long',
      false,
    ],
    [
      new GeneratorNoAnswerError('the model used its token budget on reasoning', { cause }),
      'GeneratorNoAnswerError',
      'SERVICE_UNAVAILABLE',
      'no_answer',
      'no answer from the model: the model used its token budget on reasoning',
      false,
    ],
    [
      new GeneratorUnavailableError('circuit open for vllm:gpu:8000', { cause }),
      'GeneratorUnavailableError',
      'SERVICE_UNAVAILABLE',
      'unavailable',
      'circuit open for vllm:gpu:8000',
      false,
    ],
  ];

  it.each(cases)(
    '%#: keeps its class, name, code, kind, message, retryability and cause',
    (err, name, code, kind, message, retryable) => {
      expect(err).toBeInstanceOf(GeneratorError);
      expect(err).toBeInstanceOf(HuashuException);
      expect(err).toBeInstanceOf(Error);
      expect({
        name: err.name,
        code: err.code,
        kind: err.kind,
        message: err.message,
        retryable: err.retryable,
      }).toEqual({
        name,
        code,
        kind,
        message,
        retryable,
      });
      expect(err.cause).toBe(cause);
      expect(String(err)).toBe(`${name}: ${message}`);
      expect(err.constructor.name).toBe(name);
    },
  );

  it('keeps the details of invalid sampling parameters and the extra fields of rate limits and 503s', () => {
    const invalid = new InvalidSamplingParamsError([{ field: 'temperature', rule: 'max 2' }]);
    expect(invalid).toMatchObject({
      name: 'InvalidSamplingParamsError',
      code: 'VALIDATION_FAILED',
      kind: 'invalid_params',
      message: 'invalid sampling parameters: temperature max 2',
      details: [{ field: 'temperature', rule: 'max 2' }],
    });
    expect(new GeneratorRateLimitError(1500).retryAfterMs).toBe(1500);
    expect(new GeneratorBadResponseError('HTTP 503', true, { retryAfterMs: 250 }).retryAfterMs).toBe(250);
    expect(new GeneratorBadResponseError('HTTP 500', true)).not.toHaveProperty('retryAfterMs');
  });

  it('rebuilds each class from its kind and message (a job result crossing the queue)', () => {
    for (const [err, name] of cases) {
      const rebuilt = generatorErrorFromKind(err.kind, err.message);
      expect({ name: rebuilt.name, kind: rebuilt.kind, message: rebuilt.message, code: rebuilt.code }).toEqual({
        name,
        kind: err.kind,
        message: err.message,
        code: err.code,
      });
    }
  });
});

import { Redis } from 'ioredis';
import { isRedisUnavailableError } from './redis-errors.js';

describe('isRedisUnavailableError', () => {
  it('recognises what ioredis throws while Redis is down or loading', async () => {
    // A client that cannot connect and does not queue: the shared client's settings during an outage.
    const client = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on('error', () => undefined);
    const err: unknown = await client.get('k').catch((e: unknown) => e);
    client.disconnect();
    expect(isRedisUnavailableError(err)).toBe(true);
    expect(isRedisUnavailableError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(
      isRedisUnavailableError(
        Object.assign(new Error('Reached the max retries'), { name: 'MaxRetriesPerRequestError' }),
      ),
    ).toBe(true);
  });

  it('leaves other errors alone', () => {
    expect(
      isRedisUnavailableError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isRedisUnavailableError(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailableError('Connection is closed.')).toBe(false);
  });
});

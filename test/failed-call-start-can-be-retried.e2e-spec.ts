// A telephony start that fails (here: metadata the dialogue refuses as too large) gives its claim on
// the call back: the platform's retry starts the call, instead of every later event being told
// "call start in progress; retry" (409) for the session TTL.
import request from 'supertest';
import { expectError } from './support/errors.js';
import { TELEPHONY_ENV } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

const gw = gatewayForSuite('failed-call-start', TELEPHONY_ENV);

const post = (body: unknown) =>
  request(gw.url)
    .post('/v1/telephony/events')
    .send(body as object);

describe('a failed call start can be retried', () => {
  it('a start refused by the dialogue is not held: its retry greets the caller', async () => {
    // Ten fields of 500 characters: within the event schema, over the dialogue's 4 KB metadata limit.
    const big = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(500)]));
    expectError(
      await post({ callId: 'retry-1', event: { type: 'start', phone: '+8613800000901', metadata: big } }),
      400,
      'VALIDATION_FAILED',
    );
    const retried = await post({ callId: 'retry-1', event: { type: 'start', phone: '+8613800000901' } }).expect(200);
    expect(retried.body).toMatchObject({ action: 'continue', turn: 0 });
    expect(retried.body.reply.text.length).toBeGreaterThan(0);
  });
});

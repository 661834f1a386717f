import { readFileSync } from 'node:fs';
import { GenericEventsService } from './generic-events.service.js';
import { telephonyHarness, withPlaceholders, type TelephonyHarness } from '../../../../test/support/telephony-fakes.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../../test/fixtures/telephony/generic/calls.json', import.meta.url), 'utf8'),
) as { steps: { retryOf?: number; request: unknown; response: unknown }[] };

describe('generic telephony events (golden, scripted dialogue)', () => {
  let h: TelephonyHarness;
  let events: GenericEventsService;
  beforeAll(async () => {
    h = await telephonyHarness('tel-generic');
    events = new GenericEventsService(h.service);
  });
  afterAll(async () => h.close());

  it('calls.json', async () => {
    for (const [i, step] of fixture.steps.entries()) {
      const turns = h.dialogue.turns.length;
      const actual = await events.handle(step.request);
      expect({ i, body: withPlaceholders(actual, step.response) }).toEqual({ i, body: step.response });
      if (step.retryOf !== undefined) expect(h.dialogue.turns.length).toBe(turns);
    }
  });

  it.each([
    ['unknown call', { callId: 'never', event: { type: 'dtmf', digits: '1' } }, 'NOT_FOUND'],
    ['unknown campaign', { callId: 'x1', event: { type: 'start', campaignId: 'nope' } }, 'NOT_FOUND'],
    ['unknown event type', { callId: 'x1', event: { type: 'teleport' } }, 'VALIDATION_FAILED'],
    ['extra field', { callId: 'x1', event: { type: 'hangup', cause: 'x', admin: true } }, 'VALIDATION_FAILED'],
    ['hostile call id', { callId: '../../etc/passwd', event: { type: 'start' } }, 'VALIDATION_FAILED'],
    ['wrong types', { callId: 'x1', event: { type: 'user_text', text: 7, final: 'yes' } }, 'VALIDATION_FAILED'],
    ['bad digits', { callId: 'x1', event: { type: 'dtmf', digits: '1; DROP' } }, 'VALIDATION_FAILED'],
    ['oversized text', { callId: 'x1', event: { type: 'user_text', text: 'x'.repeat(4001) } }, 'VALIDATION_FAILED'],
    ['array body', [1, 2], 'VALIDATION_FAILED'],
  ])('%s → %s', async (_label, body, code) => {
    await expect(events.handle(body)).rejects.toMatchObject({ code });
  });
});

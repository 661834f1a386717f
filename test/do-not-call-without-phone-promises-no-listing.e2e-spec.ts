// Scenario: a conversation started without a phone number (a REST chat, a call whose dialer gave no
// caller) has no number to list. Its do-not-call turn still honours the request (goodbye, hangup,
// reason do_not_call) but says the campaign's goodbye in the customer's language, not the sample
// library's do_not_call lines, which tell the customer their number is now registered as opted out;
// and the turn says what happened: doNotCall "unlisted", for a client that knows the customer by
// other means to record the opt-out itself. On the shipped sample campaign, zh and en, for an
// explicit request (input screening) and for a confirmed unsure one; and over the generic events API.
import request from 'supertest';
import { Chat, type Lang } from './support/dialogue.js';
import { spokenSample } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV } from './support/telephony-env.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default. */
const CAMPAIGN = 'default';
const REQUEST: Record<Lang, string> = {
  zh: '以后别再给我打电话了',
  en: 'please stop calling me, take me off your list',
};
/** Haggling the shipped intent model reads as an unsure do_not_call (asked about first). */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const YES: Record<Lang, string> = { zh: '是的', en: 'yes' };
/** What the sample library's do_not_call lines promise. */
const PROMISE = /号码|免打扰|number|opted out|opt-out/i;

describe('a do-not-call without a phone number promises no listing', () => {
  const gw = gatewayForSuite('dlg-dnc-no-phone', TELEPHONY_ENV);

  describe.each(['zh', 'en'] as const)('%s', (lang) => {
    it('an explicit request: goodbye, hangup, doNotCall "unlisted"', async () => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: CAMPAIGN });
      const turn = await chat.say(conversationId, REQUEST[lang]);
      expect(turn).toMatchObject({
        intent: { name: 'do_not_call' },
        action: 'hangup',
        leadStage: 'closed',
        actionDetail: { reason: 'do_not_call' },
        doNotCall: 'unlisted',
        reply: { scriptId: `${lang}-goodbye`, text: spokenSample(`${lang}-goodbye`) },
      });
      expect(turn.reply.text).not.toMatch(PROMISE);
      const [record] = await chat.audit(conversationId);
      expect(record.intent.source).toBe('compliance');
      expect(record.effects).toEqual({ doNotCall: 'unlisted' });
    });

    it('an unsure request, asked and confirmed on a phone call without a number: the same', async () => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: CAMPAIGN, channel: 'phone' });
      const asked = await chat.say(conversationId, HAGGLE[lang]);
      expect(asked).toMatchObject({ action: 'continue', doNotCall: 'confirming' });
      const yes = await chat.say(conversationId, YES[lang]);
      expect(yes).toMatchObject({
        action: 'hangup',
        actionDetail: { reason: 'do_not_call' },
        doNotCall: 'unlisted',
        reply: { scriptId: `${lang}-goodbye` },
      });
      expect(yes.reply.text).not.toMatch(PROMISE);
      const records = await chat.audit(conversationId);
      expect(records[1].effects).toEqual({ doNotCall: 'unlisted' });
    });
  });

  it('generic events: a start event without a phone, then a request → hangup with doNotCall "unlisted"', async () => {
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body).expect(200);
    await post({ callId: 'fs-dnc-nophone', event: { type: 'start', campaignId: CAMPAIGN } });
    const turn = await post({
      callId: 'fs-dnc-nophone',
      eventId: 'e1',
      event: { type: 'user_text', text: REQUEST.zh },
    });
    expect(turn.body).toMatchObject({
      action: 'hangup',
      hangup: { reason: 'do_not_call' },
      doNotCall: 'unlisted',
      reply: { text: spokenSample('zh-goodbye') },
    });
  });
});

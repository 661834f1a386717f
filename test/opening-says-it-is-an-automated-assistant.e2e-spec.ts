// Scenario: the first thing a lead hears says that a machine is calling (EU AI Act Art. 50(1): people
// are told they are interacting with an AI system at the latest at the first interaction; California
// SB 1001 for bots that sell). The sample opening introduced the bot as "客服小李" / "Lee from Xinghe
// Telecom", a person's name and nothing more. And an English call without the lead's name (a dialer's
// start event carries none) opened with "Hello, am I speaking with? This is Lee…": the sample campaign
// had a Chinese default for `customer_name` (机主) and no English one.
import { Chat, createSampleCampaign } from './support/dialogue.js';
import { genericEvent, TELEPHONY_ENV } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

describe('the opening says it is an automated assistant', () => {
  let campaignId: string;
  const gw = gatewayForSuite('opening-discloses', TELEPHONY_ENV);
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'opening-discloses');
  });

  it.each([
    ['zh with a name', { name: '王先生' }, '您好，请问是王先生吗？我是星河通信的智能客服小李，'],
    ['zh without a name', {}, '您好，请问是机主吗？我是星河通信的智能客服小李，'],
    [
      'en with a name',
      { name: 'John Smith', language: 'en' },
      'Hello, am I speaking with John Smith? This is Lee, the automated assistant of Xinghe Telecom.',
    ],
    [
      'en without a name',
      { language: 'en-US' },
      'Hello, am I speaking with the account holder? This is Lee, the automated assistant of Xinghe Telecom.',
    ],
  ])('REST, %s', async (_, customer, opening) => {
    const { reply } = await new Chat(gw.url).start({ campaignId, customer });
    expect(reply!.text.startsWith(opening)).toBe(true);
  });

  it('a dialer’s English start event without a name asks a whole question', async () => {
    const start = await genericEvent(gw.url, {
      callId: 'disclose-en-1',
      event: { type: 'start', campaignId, phone: '+14155550123', language: 'en-US' },
    }).expect(200);
    expect(start.body.reply.text).toMatch(/^Hello, am I speaking with the account holder\? This is Lee, the automated/);
    expect(start.body.reply.text).not.toMatch(/with\?/);
  });
});

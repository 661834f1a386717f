// Scenario: a client that knows the lead's language (a CRM field, the telephony platform's call
// language) says so at start (`customer.language`, BCP-47). On the bilingual sample campaign
// (language zh, opening zh-opening) the lead then hears the opening in that language, name filled;
// the lines said before their own words tell their language (the first clarify) follow the hint.
// Without a hint, or with a language the library has no scripts in, the campaign's opening as before
// (the latter a warning in the audit); junk is a 400 with the binding body. Genesys sends its call
// language as `languageCode` on the message that starts the bot session; a generic `start` event
// (FreeSWITCH, Asterisk, own dialers) as `language`.
import request from 'supertest';
import { Chat, createSampleCampaign } from './support/dialogue.js';
import { expectError } from './support/errors.js';
import { gatewayForSuite } from './support/suite.js';
import { GENESYS_AUTH, TELEPHONY_ENV } from './support/telephony-env.js';

const NAME = 'John Smith';
/** Words that tell nothing of the caller's language (no CJK, no Latin letters), and that nothing in scope reads. */
const WORDLESS = '???';

describe('greeting in the lead’s language', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-lead-language', TELEPHONY_ENV);
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'lead-language');
  });

  it.each([
    ['en', 'en-opening', `Hello, am I speaking with ${NAME}?`],
    ['en-US', 'en-opening', `Hello, am I speaking with ${NAME}?`],
    ['EN-gb', 'en-opening', `Hello, am I speaking with ${NAME}?`],
    ['zh-CN', 'zh-opening', `您好，请问是${NAME}吗？`],
    ['zh-Hans-CN', 'zh-opening', `您好，请问是${NAME}吗？`],
  ])('%s → %s with the name filled', async (language, scriptId, opening) => {
    const chat = new Chat(gw.url);
    const { conversationId, reply } = await chat.start({ campaignId, customer: { name: NAME, language } });
    expect(reply).toMatchObject({ scriptId });
    expect(reply!.text.startsWith(opening)).toBe(true);
    const view = await chat.view(conversationId);
    expect(view).toMatchObject({
      customer: { name: NAME, language: Intl.getCanonicalLocales(language)[0] },
      language: scriptId.slice(0, 2),
    });
    expect(view.transcript.find((e) => e.role === 'bot')).toMatchObject({ scriptId });
  });

  it('no hint → the campaign’s opening, as before', async () => {
    const chat = new Chat(gw.url);
    const { conversationId, reply } = await chat.start({ campaignId, customer: { name: NAME } });
    expect(reply).toMatchObject({ scriptId: 'zh-opening' });
    expect(reply!.text.startsWith(`您好，请问是${NAME}吗？`)).toBe(true);
    const view = await chat.view(conversationId);
    expect(view.language).toBeUndefined();
    expect(view.customer).not.toHaveProperty('language');
  });

  it('a language the library has no scripts in → the campaign’s opening, a warning in the audit', async () => {
    const chat = new Chat(gw.url);
    const { conversationId, reply } = await chat.start({ campaignId, customer: { name: NAME, language: 'fr-FR' } });
    expect(reply).toMatchObject({ scriptId: 'zh-opening' });
    expect((await chat.view(conversationId)).language).toBeUndefined();
    const [start] = (await chat.audit(conversationId)) as unknown as Record<string, unknown>[];
    expect(start).toMatchObject({
      event: 'start',
      turn: 0,
      language: { requested: 'fr-FR', used: 'zh', inLibrary: false },
      warning: expect.stringContaining('fr-FR'),
    });
    // A hint the library has is recorded too, without a warning.
    const en = await chat.start({ campaignId, customer: { language: 'en-US' } });
    const [enStart] = (await chat.audit(en.conversationId)) as unknown as Record<string, unknown>[];
    expect(enStart).toMatchObject({ event: 'start', language: { requested: 'en-US', used: 'en', inLibrary: true } });
    expect(enStart).not.toHaveProperty('warning');
  });

  it.each([
    ['not a language tag', 'xx-!!'],
    ['an underscore form', 'en_US'],
    ['500 characters', 'a'.repeat(500)],
    ['a well-formed tag over 35 characters', 'en-abcdefgh-abcdefgh-abcdefgh-abcdefgh'],
    ['a number', 7],
    ['empty', ''],
    ['null', null],
    ['an object', { tag: 'en' }],
  ])('junk → 400 VALIDATION_FAILED (%s)', async (_, language) => {
    const res = await request(gw.url)
      .post('/v1/conversations')
      .send({ campaignId, customer: { name: NAME, language } });
    expectError(res, 400, 'VALIDATION_FAILED');
    // Refused as a language tag, not as a field the API does not know.
    expect(res.body.error.details).toEqual([
      { field: 'customer.language', rules: expect.arrayContaining([expect.stringContaining('BCP-47 language tag')]) },
    ]);
  });

  it('the first clarify line follows the hint until the caller’s words tell', async () => {
    const chat = new Chat(gw.url);
    const en = await chat.start({ campaignId, customer: { name: NAME, language: 'en' } });
    const first = await chat.say(en.conversationId, WORDLESS);
    expect(first).toMatchObject({ intent: { name: 'out_of_scope' }, route: 'fallback' });
    expect(first.reply.scriptId).toBe('en-clarify');
    // The caller's own words decide from then on.
    const spoken = await chat.say(en.conversationId, '你们是哪个公司的');
    expect(spoken.reply.scriptId.startsWith('zh-')).toBe(true);

    // Without a hint the same words get the campaign's (zh) clarify, as before.
    const plain = await chat.start({ campaignId, customer: { name: NAME } });
    expect((await chat.say(plain.conversationId, WORDLESS)).reply.scriptId).toBe('zh-clarify');
  });

  it('Genesys: the bot session’s languageCode picks the greeting', async () => {
    const message = (botSessionId: string, languageCode: string) =>
      request(gw.url)
        .post('/v1/telephony/genesys/messages')
        .set(GENESYS_AUTH)
        .send({
          botId: campaignId,
          botVersion: '1',
          botSessionId,
          messageId: `${botSessionId}-m1`,
          inputMessage: { type: 'Text', text: '' },
          languageCode,
          botSessionTimeout: 720,
          genesysConversationId: `g-${botSessionId}`,
        })
        .expect(200);
    const en = await message('lang-gs-en', 'en-us');
    expect(en.body).toMatchObject({ botState: 'MoreData' });
    expect(en.body.replyMessages[0].text).toMatch(/^Hello, am I speaking with/);
    const zh = await message('lang-gs-zh', 'zh-cn');
    expect(zh.body.replyMessages[0].text).toMatch(/^您好，请问是/);
    // A languageCode that is no language tag does not fail the session: the campaign's greeting.
    const junk = await message('lang-gs-junk', 'not a language');
    expect(junk.body).toMatchObject({ botState: 'MoreData' });
    expect(junk.body.replyMessages[0].text).toMatch(/^您好，请问是/);
  });

  it('generic events: the start event’s language picks the greeting; junk is a 400', async () => {
    const start = (callId: string, language: unknown) =>
      request(gw.url)
        .post('/v1/telephony/events')
        .send({ callId, event: { type: 'start', campaignId, language } });
    const en = await start('lang-generic-en', 'en-US').expect(200);
    expect(en.body.reply).toMatchObject({
      text: expect.stringMatching(/^Hello, am I speaking with/),
      language: 'en-US',
    });
    const junk = await start('lang-generic-junk', 'xx-!!');
    expectError(junk, 400, 'VALIDATION_FAILED');
  });
});

// Scenario: a Chinese caller on the zh sample campaign says a Latin word a Chinese speaker says as it is
// ("OK", "ok ok", "WiFi", "5G"). Those words tell no language (language.ts languageOf): the call stays in
// Chinese, the REST reply a zh line and, on Twilio, the next <Gather> still listens in zh-CN. Before, any
// Latin letter was English: "OK" was answered with en-affirm-continue and Twilio's next <Gather
// language="en-US"> sent the caller's next Chinese words to an English recogniser. English content still
// switches at once ("how much is it"), in both directions.
import { Chat } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV, twilioVoice } from './support/telephony-env.js';

/** The shipped sample campaign, as the gateway seeds it from data/campaigns/default (language zh). */
const SAMPLE_CAMPAIGN = 'default';
const NEUTRAL = ['OK', 'ok ok', 'WiFi', '5G'];

describe('"OK" keeps the caller’s language', () => {
  const gw = gatewayForSuite('dlg-ok-language', TELEPHONY_ENV);

  it.each(NEUTRAL)('REST: a Chinese caller who says %j is answered in Chinese', async (word) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: SAMPLE_CAMPAIGN, customer: { name: '王先生' } });
    await chat.say(conversationId, '你好');
    const turn = await chat.say(conversationId, word);
    expect(turn.reply.scriptId).toMatch(/^zh-/);
    expect(turn.reply.text).toMatch(/\p{Script=Han}/u);
    // English words switch at once, and Chinese ones back.
    expect((await chat.say(conversationId, 'how much is it')).reply.scriptId).toMatch(/^en-/);
    expect((await chat.say(conversationId, word)).reply.scriptId).toMatch(/^en-/);
    expect((await chat.say(conversationId, '多少钱一个月')).reply.scriptId).toMatch(/^zh-/);
  });

  it('REST: "OK" then "5G" as the first words (nothing Chinese said yet) are answered in Chinese', async () => {
    // The offline generator's candidate for 5G is an English line; the campaign's language decides.
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId: SAMPLE_CAMPAIGN });
    for (const word of ['OK', '5G']) {
      const turn = await chat.say(conversationId, word);
      expect(turn.reply.scriptId).toMatch(/^zh-/);
      expect(turn.reply.text).toMatch(/\p{Script=Han}/u);
    }
  });

  it('Twilio: after "OK" the next <Gather> still listens in zh-CN; "how much is it" switches it to en-US', async () => {
    const sid = 'CA' + '7'.repeat(32);
    const q = '?campaign=default';
    const call = (params: Record<string, string>) =>
      twilioVoice(gw.url, sid, { From: '+8613800000731', ...params }, q).expect(200);
    const greeting = await call({ CallStatus: 'ringing' });
    expect(greeting.text).toMatch(/<Gather [^>]*language="zh-CN"/);
    for (const word of ['OK', '5G']) {
      const turn = await call({ SpeechResult: word, Confidence: '0.9' });
      expect(turn.text).toMatch(/<Gather [^>]*language="zh-CN"[^>]*><Say language="zh-CN">\p{Script=Han}/u);
      expect(turn.text).not.toContain('en-US');
    }
    const english = await call({ SpeechResult: 'how much is it', Confidence: '0.9' });
    expect(english.text).toMatch(/<Gather [^>]*language="en-US"[^>]*><Say language="en-US">/);
  });
});

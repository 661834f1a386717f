// Scenario: three utterances in a row that the bot cannot place → fallback (clarify: the intent's
// approved clarifying script, then its fallback script) twice, then the campaign's escalation
// (transfer by default, announced by the generic transfer script) on the third.
import { SessionRepository } from '@huashu/dialogue';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, string[]> = {
  zh: ['今天天气怎么样', '你喜欢吃火锅吗', '帮我查一下火车票'],
  en: ["what's the weather like today", 'do you like pizza', 'book me a train ticket to Leeds'],
};

describe('out of scope three times → escalation', () => {
  const gw = gatewayForSuite('dlg-oos', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turns = [];
    for (const line of LINES[lang]) turns.push(await chat.say(conversationId, line));

    for (const t of turns) {
      expect(t.intent.name).toBe('out_of_scope');
      expect(t.route).toBe('fallback');
    }
    // The intent's approved clarifying script, then its fallback; the escalated third turn
    // announces the transfer it makes.
    expect(turns.map((t) => t.reply.scriptId)).toEqual([
      `${lang}-clarify`,
      `${lang}-fallback-out-of-scope`,
      `${lang}-transfer-generic`,
    ]);
    expect(turns.slice(0, 2).map((t) => t.reply.fallback)).toEqual([true, true]);
    expect(turns.map((t) => t.action)).toEqual(['continue', 'continue', 'transfer']);
    expect(turns[2].actionDetail).toMatchObject({ reason: 'consecutive_fallbacks', target: 'sales-closers' });
    expect(turns[2].actionDetail?.summary).toContain('intents: none');
    // The session keeps each intent once: a long call does not grow what every turn rewrites.
    const stored = await gw.app.get(SessionRepository).get(conversationId);
    expect(stored?.intents).toEqual(['out_of_scope']);
  });

  it('a matched reply in between resets the count; hangup escalation is configurable', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en', 'oos-hangup', {
      fallbackEscalation: 'hangup',
      maxConsecutiveFallbacks: 2,
    });
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    expect((await chat.say(conversationId, LINES.en[0])).action).toBe('continue');
    expect((await chat.say(conversationId, 'who are you, which company is this?')).reply.fallback).toBe(false);
    expect((await chat.say(conversationId, LINES.en[1])).action).toBe('continue');
    const last = await chat.say(conversationId, LINES.en[2]);
    expect(last).toMatchObject({ action: 'hangup', actionDetail: { reason: 'consecutive_fallbacks' } });
  });

  it.each(['zh', 'en'] as const)(
    'the bilingual sample campaign (language zh) answers a customer speaking %s with the clarifying fallback in their language',
    async (spoken) => {
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: 'default' });
      const t = await chat.say(conversationId, LINES[spoken][0]);
      expect(t.reply).toMatchObject({ fallback: true, scriptId: `${spoken}-clarify` });
    },
  );
});

// Scenario: a customer who is not interested hears one retention attempt; saying no again ends
// the call with the goodbye script and hangup. A turn after that is refused.
import request from 'supertest';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, [string, string]> = {
  zh: ['我不感兴趣', '真的不需要，谢谢'],
  en: ["I'm not interested", 'no, really not interested, thanks'],
};

describe('not interested: one retention attempt, then goodbye', () => {
  const gw = gatewayForSuite('dlg-retention', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });

    const first = await chat.say(conversationId, LINES[lang][0]);
    expect(first.intent.name).toBe('not_interested');
    expect(first).toMatchObject({ route: 'script', action: 'continue' });
    expect(first.reply.scriptId).toBe(`${lang}-retention`);

    const second = await chat.say(conversationId, LINES[lang][1]);
    expect(['not_interested', 'deny']).toContain(second.intent.name);
    expect(second).toMatchObject({ action: 'hangup', leadStage: 'closed', actionDetail: { reason: 'not_interested' } });
    expect(second.reply.scriptId).toBe(`${lang}-goodbye`);

    const after = await request(gw.url).post(`/v1/conversations/${conversationId}/turns`).send({ text: 'hello?' });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('CONVERSATION_ENDED');
  });
});

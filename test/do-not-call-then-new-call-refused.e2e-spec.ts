// Scenario: the customer asks never to be called again → goodbye + hangup, the number joins the
// campaign's do-not-call list, and a new conversation for that number (any spelling) gets 409.
import request from 'supertest';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const CASES: Record<Lang, { text: string; phone: string; respelled: string }> = {
  zh: { text: '以后别再给我打电话了', phone: '13800138000', respelled: '+86 138-0013-8000' },
  en: { text: 'please stop calling me, take me off your list', phone: '(415) 555-2671', respelled: '+1 415 555 2671' },
};

describe('do-not-call, then a new call is refused', () => {
  const gw = gatewayForSuite('dlg-dnc', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const other = await createLanguageCampaign(gw.url, lang, `other-${lang}`);
    const chat = new Chat(gw.url);
    const c = CASES[lang];
    const { conversationId } = await chat.start({ campaignId, customer: { phone: c.phone } });

    const turn = await chat.say(conversationId, c.text);
    expect(turn.intent.name).toBe('do_not_call');
    expect(turn).toMatchObject({ action: 'hangup', leadStage: 'closed', actionDetail: { reason: 'do_not_call' } });
    expect(turn.reply.scriptId).toMatch(new RegExp(`^${lang}-(dnc-confirm|goodbye|fallback-do-not-call)$`));
    const [record] = await chat.audit(conversationId);
    expect(record.effects).toEqual({ doNotCall: 'listed' });

    for (const phone of [c.phone, c.respelled]) {
      const res = await request(gw.url).post('/v1/conversations').send({ campaignId, customer: { phone } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('DO_NOT_CALL');
    }
    // The list is per campaign.
    await request(gw.url)
      .post('/v1/conversations')
      .send({ campaignId: other, customer: { phone: c.phone } })
      .expect(201);
    // The list holds digests, never the number.
    const { REDIS } = await import('@huashu/redis');
    const members: string[] = await gw.app.get(REDIS).smembers(`dnc:${campaignId}`);
    expect(members).toHaveLength(1);
    expect(members[0]).toMatch(/^[0-9a-f]{64}$/);
  });
});

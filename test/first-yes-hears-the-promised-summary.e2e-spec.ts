// Scenario: a new lead's first "yes" hears the summary the bot promises. zh-affirm-continue ends
// "那我先简单说一下套餐内容…" and en-affirm-continue "Let me give you the short version…"; the sample
// campaign's `followOns` names the script that delivers it (zh-intro-product / en-intro-product), said
// in the same reply: the text is both lines, `scriptId` stays the lead-in (first-yes-answers-the-pitch),
// `followOn` names the summary, the audit and transcript record both, and the summary counts as heard
// (the next "tell me more" is not answered with it again). On the phone (generic events) the caller
// hears both lines too. Before, the bot promised the summary and then waited.
import request from 'supertest';
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { spokenSample } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

const YES: Record<Lang, string> = { zh: '可以，你说吧', en: 'sure, go ahead' };
const MORE: Record<Lang, string> = { zh: '听起来不错，你说说看', en: 'sounds good, tell me more' };

describe('a first yes hears the promised summary', () => {
  let campaignId: string;
  const gw = gatewayForSuite('dlg-first-yes-summary', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    campaignId = await createSampleCampaign(gw.url, 'bilingual-first-yes-summary');
  });

  it.each(['zh', 'en'] as const)('%s: chat', async (lang) => {
    const leadIn = spokenSample(`${lang}-affirm-continue`);
    const summary = spokenSample(`${lang}-intro-product`);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const t = await chat.say(conversationId, YES[lang]);
    expect(t).toMatchObject({
      intent: { name: 'affirm' },
      route: 'script',
      action: 'continue',
      reply: {
        scriptId: `${lang}-affirm-continue`,
        fallback: false,
        followOn: { scriptId: `${lang}-intro-product`, text: summary },
      },
    });
    expect(t.reply.text.startsWith(leadIn)).toBe(true);
    expect(t.reply.text.endsWith(summary)).toBe(true);

    const bot = (await chat.view(conversationId)).transcript.filter((e) => e.role === 'bot').at(-1);
    expect(bot).toMatchObject({ text: t.reply.text, scriptId: `${lang}-affirm-continue` });
    const [record] = await chat.audit(conversationId);
    expect(record).toMatchObject({ reply: { followOn: { scriptId: `${lang}-intro-product` } } });

    // The summary was heard: asking for more does not get it again.
    const more = await chat.say(conversationId, MORE[lang]);
    expect(more.intent.name).toBe('interested');
    expect(more.reply.scriptId).not.toBe(`${lang}-intro-product`);
    expect(more.reply.text).not.toContain(summary);
  });

  it('zh: phone (generic events) says both lines', async () => {
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body);
    const start = await post({ callId: 'yes-summary-1', event: { type: 'start', campaignId, phone: '13912345601' } });
    expect(start.status).toBe(200);
    const yes = await post({ callId: 'yes-summary-1', eventId: 'e1', event: { type: 'user_text', text: YES.zh } });
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ action: 'continue', intent: { name: 'affirm' } });
    const said = (yes.body as { reply: { text: string } }).reply.text;
    expect(said).toContain(spokenSample('zh-affirm-continue'));
    expect(said).toContain(spokenSample('zh-intro-product'));
  });
});

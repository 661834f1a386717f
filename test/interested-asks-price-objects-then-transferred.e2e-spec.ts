// Scenario: an interested lead asks the price, objects to it, then is ready to buy and is
// transferred to a human closer with a lead summary. Real app, Redis, intent model, script index,
// offline retrieval generator.
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const LINES: Record<Lang, { price: string; objection: string; buy: string; name: string }> = {
  zh: { price: '月费多少钱？', objection: '太贵了，便宜点吧', buy: '好的，我要办理', name: '王先生' },
  en: {
    price: 'how much does it cost per month?',
    objection: 'that is too expensive',
    buy: 'ok sign me up',
    name: 'Mr Smith',
  },
};

describe('interested lead asks the price, objects, is transferred', () => {
  const gw = gatewayForSuite('dlg-transfer', { GENERATOR_MODE: 'inprocess' });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const l = LINES[lang];
    const started = await chat.start({ campaignId, customer: { name: l.name } });
    // The greeting is the campaign's opening script with the customer's name filled in.
    expect(started.reply).toMatchObject({ scriptId: `${lang}-opening` });
    expect(started.reply!.text).toContain(l.name);

    const price = await chat.say(started.conversationId, l.price);
    expect(price.intent.name).toBe('ask_price');
    expect(price).toMatchObject({ action: 'continue', leadStage: 'interested', degraded: false });
    // Interest goes to the generator. The offline model keeps to the approved replies its prompt
    // quotes (the intent's scripts in the customer's language), so the customer hears a price script.
    expect(price.route).toBe('generator');
    expect(price.reply).toMatchObject({
      scriptId: expect.stringMatching(new RegExp(`^${lang}-price-`)),
      fallback: false,
    });

    const objection = await chat.say(started.conversationId, l.objection);
    expect(objection.intent.name).toBe('objection_price');
    expect(objection).toMatchObject({ action: 'continue', leadStage: 'interested', route: 'generator' });
    expect(objection.reply.scriptId).toMatch(new RegExp(`^${lang}-objection-price-`));

    const buy = await chat.say(started.conversationId, l.buy);
    expect(buy.intent.name).toBe('ready_to_buy');
    expect(buy).toMatchObject({ route: 'script', action: 'transfer', leadStage: 'closed' });
    expect(buy.reply.scriptId).toMatch(new RegExp(`^${lang}-ready-`));
    expect(buy.actionDetail).toEqual({
      reason: 'ready_to_buy',
      target: 'sales-closers',
      summary: expect.stringContaining('lead stage: hot'),
    });
    expect(buy.actionDetail?.summary).toContain('ask_price, objection_price, ready_to_buy');

    // The conversation is closed: another turn is refused, the session shows the outcome.
    const view = await chat.view(started.conversationId);
    expect(view).toMatchObject({ status: 'ended', leadStage: 'closed', turns: 3, endReason: 'ready_to_buy' });
    expect(
      view.transcript.filter((e: { role: string }) => e.role !== 'event').map((e: { turn: number }) => e.turn),
    ).toEqual([0, 1, 1, 2, 2, 3, 3]);

    // Audit: one record per turn with route, generator details on the generator route, timings.
    const audit = await chat.audit(started.conversationId);
    expect(audit.map((r) => r.turn)).toEqual([1, 2, 3]);
    expect(audit[0]).toMatchObject({ plannedRoute: 'generator', generator: { model: expect.any(String) } });
    expect(audit[2]).toMatchObject({ reachedStage: 'hot', action: 'transfer' });
  });
});

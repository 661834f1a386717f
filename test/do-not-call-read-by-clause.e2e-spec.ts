// Scenario: a bare 别再打 / 不要再打 is a do-not-call request where its clause ends (别再打，折腾死我了)
// and no request where another verb built on 打 goes on (别再打八折了): input screening decides,
// so the audit names compliance as the source of the do_not_call intent, or does not.
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

describe('do-not-call read by clause', () => {
  const gw = gatewayForSuite('dlg-dnc-clause', { GENERATOR_MODE: 'inprocess' });
  let campaignId: string;
  beforeAll(async () => {
    campaignId = await createLanguageCampaign(gw.url, 'zh');
  });

  // A number per case: a case that lists its number would refuse the next one's call.
  it.each([
    ['别再打，折腾死我了', '13800138001'],
    ['不要再打，打折也不要', '13800138002'],
  ])('%s: do-not-call, hangup, listed', async (text, phone) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    const turn = await chat.say(conversationId, text);
    expect(turn).toMatchObject({ intent: { name: 'do_not_call' }, action: 'hangup' });
    const [record] = await chat.audit(conversationId);
    expect(record.intent.source).toBe('compliance');
    expect(record.compliance.input.categories).toContain('do_not_call');
    expect(record.effects).toEqual({ doNotCall: 'listed' });
  });

  it.each([
    ['能不能别再打八折了，直接打五折', '13800138003'],
    ['你们不要再打这么低的折扣了', '13800138004'],
  ])('%s: no do-not-call request from screening (the intent model still decides)', async (text, phone) => {
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { phone } });
    await chat.say(conversationId, text);
    const [record] = await chat.audit(conversationId);
    expect(record.compliance.input.categories).not.toContain('do_not_call');
    expect(record.intent.source).not.toBe('compliance');
  });
});

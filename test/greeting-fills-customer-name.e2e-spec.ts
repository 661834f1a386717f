// Scenario: the opening script names the customer; without a name it uses the campaign's own
// `customer_name` slot when the campaign sets one, else the missing-slot rule removes the gap.
import { readFileSync } from 'node:fs';
import { bootGateway, type Booted } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';

// The sample campaign's slots: no customer_name among them.
const ZH_SLOTS = (
  JSON.parse(readFileSync('data/campaigns/default/campaign.json', 'utf8')) as { slots: Record<string, string> }
).slots;

describe('the greeting fills the customer name', () => {
  let gw: Booted;
  let withDefault: string;
  let without: string;
  beforeAll(async () => {
    gw = await bootGateway('dlg-greeting-name', { GENERATOR_MODE: 'inprocess' });
    withDefault = await createLanguageCampaign(gw.url, 'zh', 'greet-default', {
      slots: { ...ZH_SLOTS, customer_name: '机主' },
    });
    without = await createLanguageCampaign(gw.url, 'zh', 'greet-plain', { slots: ZH_SLOTS });
  });
  afterAll(async () => gw.close());

  it.each([
    ['the customer’s name', () => withDefault, { name: '王先生' }, '您好，请问是王先生吗？'],
    ['the campaign’s customer_name without one', () => withDefault, {}, '您好，请问是机主吗？'],
    ['the campaign’s customer_name for a blank one', () => withDefault, { name: '  ' }, '您好，请问是机主吗？'],
    ['nothing when the campaign sets none (the gap is removed)', () => without, {}, '您好，请问是吗？'],
  ])('%s', async (_, campaign, customer, opening) => {
    const { reply } = await new Chat(gw.url).start({ campaignId: campaign(), customer });
    expect(reply).toMatchObject({ scriptId: 'zh-opening' });
    expect(reply!.text.startsWith(opening)).toBe(true);
  });
});

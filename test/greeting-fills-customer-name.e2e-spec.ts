// Scenario: the opening script names the customer; without a name it uses the campaign's own
// `customer_name` slot when the campaign sets one, else the missing-slot rule removes the gap.
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { SAMPLE_SETTINGS } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

// The sample campaign's slots: no customer_name among them.
const ZH_SLOTS = SAMPLE_SETTINGS.slots;

describe('the greeting fills the customer name', () => {
  let sample: string;
  let slotsOnly: string;
  let none: string;
  let dirty: string;
  const gw = gatewayForSuite('dlg-greeting-name', { GENERATOR_MODE: 'inprocess' });
  beforeAll(async () => {
    // The sample settings: slotsByLanguage.zh.customer_name is 机主.
    sample = await createLanguageCampaign(gw.url, 'zh', 'greet-sample');
    slotsOnly = await createLanguageCampaign(gw.url, 'zh', 'greet-slots', {
      slots: { ...ZH_SLOTS, customer_name: '客户' },
      slotsByLanguage: {},
    });
    none = await createLanguageCampaign(gw.url, 'zh', 'greet-none', { slotsByLanguage: {} });
    // Slot values with a NUL and a right-to-left override in them.
    dirty = await createLanguageCampaign(gw.url, 'zh', 'greet-dirty', {
      slots: { ...ZH_SLOTS, company_name: '星河\u202E通\u0000信', agent_name: '小\u2066李\u2069' },
    });
  });

  it.each([
    ['the customer’s name', () => sample, { name: '王先生' }, '您好，请问是王先生吗？'],
    ['the campaign’s customer_name for the script’s language without one', () => sample, {}, '您好，请问是机主吗？'],
    ['the same for a blank name', () => sample, { name: '  ' }, '您好，请问是机主吗？'],
    ['the campaign’s slots.customer_name when no language sets one', () => slotsOnly, {}, '您好，请问是客户吗？'],
    ['nothing when the campaign sets none (the gap is removed)', () => none, {}, '您好，请问是吗？'],
    [
      'the name without its control and bidi characters',
      () => sample,
      { name: 'a\u0000b\u202Ec\u2067d\u2069' },
      '您好，请问是abcd吗？',
    ],
    [
      'the campaign’s customer_name for a name with nothing speakable in it',
      () => sample,
      { name: '\u202E\u0000\u200B' },
      '您好，请问是机主吗？',
    ],
    [
      'campaign slot values without their control and bidi characters',
      () => dirty,
      { name: '王先生' },
      '您好，请问是王先生吗？我是星河通信的智能客服小李，',
    ],
  ])('%s', async (_, campaign, customer, opening) => {
    const { reply } = await new Chat(gw.url).start({ campaignId: campaign(), customer });
    expect(reply).toMatchObject({ scriptId: 'zh-opening' });
    expect(reply!.text.startsWith(opening)).toBe(true);
  });
});

// Scenario: the do-not-call confirmation question is asked in the customer's language, picked as the
// campaign's goodbye is (test/goodbye-in-customers-language.e2e-spec.ts): the `confirm` script tagged
// with the language the customer spoke, else the campaign's language. Before, it was the question whose
// text read as that language: an English question that names the company in Chinese characters
// ("would you like 星河通信 to stop calling you?", as a bilingual brand may be written) read as Chinese,
// and an English caller was asked in Chinese. Bilingual sample library, zh and en campaigns.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';

/** The sample library, its English question naming the company as it is written in Chinese. */
const ROWS = SAMPLE.map((s) =>
  s.id === 'en-dnc-ask-confirm' ? { ...s, text: 'Just to confirm: would you like 星河通信 to stop calling you?' } : s,
);
/** Haggling the shipped intent model reads as an unsure do_not_call (asked about first). */
const HAGGLE: Record<Lang, string> = { zh: '能不能别再打八折了，直接打五折', en: "don't call 199 cheap" };
const OTHER: Record<Lang, Lang> = { zh: 'en', en: 'zh' };

describe('the do-not-call question in the customer’s language', () => {
  const gw = gatewayForSuite('dlg-dnc-question-lang', { GENERATOR_MODE: 'inprocess' });

  // The customer speaks `lang` on a campaign whose language is the other one.
  it.each(['en', 'zh'] as const)('%s caller', async (lang) => {
    const campaignLang = OTHER[lang];
    const campaignId = await createSampleCampaign(
      gw.url,
      `dnc-question-${lang}-caller`,
      {
        language: campaignLang,
        openingScriptId: `${campaignLang}-opening`,
        goodbyeScriptId: `${campaignLang}-goodbye`,
        defaultFallbackScriptId: `${campaignLang}-fallback-default`,
      },
      ROWS,
    );
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const asked = await chat.say(conversationId, HAGGLE[lang]);
    expect(asked).toMatchObject({ action: 'continue', doNotCall: 'confirming' });
    expect(asked.reply.scriptId).toBe(`${lang}-dnc-ask-confirm`);
  });

  it('no question in the customer’s language: the campaign’s', async () => {
    const campaignId = await createSampleCampaign(
      gw.url,
      'dnc-question-no-en',
      {},
      ROWS.filter((s) => s.id !== 'en-dnc-ask-confirm'),
    );
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const asked = await chat.say(conversationId, HAGGLE.en);
    expect(asked).toMatchObject({
      action: 'continue',
      doNotCall: 'confirming',
      reply: { scriptId: 'zh-dnc-ask-confirm' },
    });
  });
});

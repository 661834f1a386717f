// Scenario: the start names the lead's language (`customer.language`, a platform's call language) and
// the call then ends, is handed over, or comes back from a failed transfer before the caller's own words
// tell their language. Every line the caller hears is in the language one rule decides: the session's
// language from the start's hint, then the language the caller last spoke in. Before, four rules picked
// it: the lines a call ends on (the transfer line, the goodbye after three silences) and the apology
// after a failed transfer read the caller's last words back from the transcript and, finding none that
// tell, fell back to the campaign's language, so an English-hinted call on the zh sample campaign was
// greeted in English and handed over, apologised to and said goodbye to in Chinese (and a zh-hinted call
// on an English campaign the reverse); and a turn whose words tell nothing ("???") was answered in the
// campaign's language although the caller had been speaking the other one.
import { Chat, createSampleCampaign, type Lang } from './support/dialogue.js';
import { SAMPLE, SAMPLE_SETTINGS } from './support/sample-campaign.js';
import { gatewayForSuite } from './support/suite.js';
import { TELEPHONY_ENV, genericEvent } from './support/telephony-env.js';

const text = (id: string): string => SAMPLE.find((s) => s.id === id)!.text;
/** Words that tell nothing of the caller's language (no CJK, no Latin letters). */
const WORDLESS = '???';
/** The platform's call language for a lead of each language. */
const HINT: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' };
const OTHER: Record<Lang, Lang> = { zh: 'en', en: 'zh' };

describe('every line in the lead’s language', () => {
  const gw = gatewayForSuite('dlg-every-line-language', TELEPHONY_ENV);
  /** The bilingual sample library, once with the campaign language zh (the sample's) and once en. */
  const campaigns: Partial<Record<Lang, string>> = {};
  beforeAll(async () => {
    campaigns.zh = await createSampleCampaign(gw.url, 'every-line-zh');
    campaigns.en = await createSampleCampaign(gw.url, 'every-line-en', {
      language: 'en',
      openingScriptId: 'en-opening',
      goodbyeScriptId: 'en-goodbye',
      defaultFallbackScriptId: 'en-fallback-default',
      slots: { ...SAMPLE_SETTINGS.slots, ...SAMPLE_SETTINGS.slotsByLanguage.en },
    });
  });

  const generic = (body: object) => genericEvent(gw.url, body).expect(200);

  // The lead's language is the other one than the campaign's: a `lang` lead on the `OTHER[lang]` campaign.
  describe.each(['en', 'zh'] as const)('a %s lead on a campaign in the other language', (lang) => {
    const start = (callId: string) =>
      generic({ callId, event: { type: 'start', campaignId: campaigns[OTHER[lang]], language: HINT[lang] } });

    it('the transfer line (agent key) and the apology after the transfer fails', async () => {
      const callId = `every-line-transfer-${lang}`;
      const started = await start(callId);
      expect(started.body.reply.text).toEqual(
        lang === 'en' ? expect.stringMatching(/^Hello, am I speaking/) : expect.stringMatching(/^您好，请问是/),
      );
      const transfer = await generic({ callId, eventId: 'k0', event: { type: 'dtmf', digits: '0' } });
      expect(transfer.body).toMatchObject({ action: 'transfer', reply: { text: text(`${lang}-transfer-generic`) } });
      const failed = await generic({
        callId,
        eventId: 't1',
        event: { type: 'transfer_result', status: 'failed', reason: 'busy' },
      });
      expect(failed.body).toMatchObject({ action: 'continue', reply: { text: text(`${lang}-transfer-failed`) } });
    });

    it('the goodbye after three silences', async () => {
      const callId = `every-line-silence-${lang}`;
      await start(callId);
      for (const count of [1, 2]) {
        await generic({ callId, eventId: `n${count}`, event: { type: 'no_input', count } });
      }
      const bye = await generic({ callId, eventId: 'n3', event: { type: 'no_input', count: 3 } });
      expect(bye.body).toMatchObject({ action: 'hangup', reply: { text: text(`${lang}-goodbye`) } });
    });
  });

  it.each(['en', 'zh'] as const)(
    'a caller who spoke %s is answered in it when their next words tell nothing',
    async (lang) => {
      // No hint, and the campaign's language is the other one: only what the caller said tells.
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId: campaigns[OTHER[lang]] });
      const spoke = await chat.say(conversationId, lang === 'en' ? 'which company are you from' : '你们是哪个公司的');
      expect(spoke.reply.scriptId.startsWith(`${lang}-`)).toBe(true);
      const wordless = await chat.say(conversationId, WORDLESS);
      expect(wordless).toMatchObject({ intent: { name: 'out_of_scope' }, route: 'fallback' });
      expect(wordless.reply.scriptId).toBe(`${lang}-clarify`);
    },
  );
});

import { defaultCampaign } from './campaign.defaults.js';
import { scriptReferences } from './script-references.js';

describe('scriptReferences', () => {
  it('lists every setting that names a script, both sides of a follow-on', () => {
    const c = {
      ...defaultCampaign('acme'),
      openingScriptId: 'open',
      goodbyeScriptId: 'bye',
      defaultFallbackScriptId: 'fb',
      followOns: { lead: 'delivers' },
      questions: { ask: { answer: 'address', intent: 'ready_to_buy' as const } },
      intentExamples: { ...defaultCampaign('acme').intentExamples, byScript: { price: ['多少钱'] } },
    };
    expect(scriptReferences(c).map((r) => [r.field, r.scriptId])).toEqual([
      ['openingScriptId', 'open'],
      ['goodbyeScriptId', 'bye'],
      ['defaultFallbackScriptId', 'fb'],
      ['followOns.lead', 'lead'],
      ['followOns.lead', 'delivers'],
      ['questions.ask', 'ask'],
      ['intentExamples.byScript.price', 'price'],
    ]);
  });

  it('nothing for the defaults', () => {
    expect(scriptReferences(defaultCampaign('acme'))).toEqual([]);
  });
});

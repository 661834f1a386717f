// The sample campaign (data/campaigns/default/) as specs and evaluation scripts use it. No Jest
// globals here, so `scripts/` can import it from a build.
import { readFileSync } from 'node:fs';
import { fillSlots } from '@huashu/scripts';

export type Lang = 'zh' | 'en';

/** The sample library (data/campaigns/default/scripts.jsonl). */
export const SAMPLE = readFileSync('data/campaigns/default/scripts.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { id: string; text: string; intent?: string; tags: string[]; fallback: boolean });

/** A campaign's intent examples as the sample campaign gives them (threshold and floor left to the defaults). */
export interface SampleExamples {
  byIntent: Record<string, string[]>;
  byScript: Record<string, string[]>;
}

/** The sample campaign's settings (data/campaigns/default/campaign.json). */
export const SAMPLE_SETTINGS = JSON.parse(readFileSync('data/campaigns/default/campaign.json', 'utf8')) as {
  slots: Record<string, string>;
  slotsByLanguage: Partial<Record<Lang, Record<string, string>>>;
  intentExamples: SampleExamples;
} & Record<string, unknown>;

/** The sample campaign's examples with each script's list given for the script's intent instead. */
export function sampleExamplesPerIntent(): SampleExamples {
  const byIntent = structuredClone(SAMPLE_SETTINGS.intentExamples.byIntent);
  for (const [id, list] of Object.entries(SAMPLE_SETTINGS.intentExamples.byScript)) {
    const intent = SAMPLE.find((s) => s.id === id)!.intent!;
    byIntent[intent] = [...(byIntent[intent] ?? []), ...list];
  }
  return { byIntent, byScript: {} };
}

/** The sample campaign's slot values for scripts of one language. */
export const sampleSlots = (lang: Lang): Record<string, string> => ({
  ...SAMPLE_SETTINGS.slots,
  ...SAMPLE_SETTINGS.slotsByLanguage[lang],
});

/** A sample script as a customer without a name hears it (the campaign's slots for its language filled). */
export const spokenSample = (id: string): string =>
  fillSlots(SAMPLE.find((s) => s.id === id)!.text, sampleSlots(id.startsWith('en-') ? 'en' : 'zh')).text;

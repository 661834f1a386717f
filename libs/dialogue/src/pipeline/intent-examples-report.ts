import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { Campaign } from '@huashu/campaigns';
import type { Embedder } from '@huashu/embedding';
import { roundDeep, type IntentClassifier, type IntentName } from '@huashu/intent';
import { campaignExamples, embedExamples, wordings, type ExampleOwner } from './intent-examples.js';

/** Who an example speaks for, as the report shows it: a `byScript` example also names its script's intent. */
export type ReportedOwner = { intent: IntentName } | { scriptId: string; intent?: IntentName };

/** What an editor should look at in a campaign's intent examples (GET /v1/admin/intents/examples/report). */
export interface IntentExamplesReport {
  campaignId: string;
  encoder: string;
  threshold: number;
  examples: number;
  /** Every script `byScript` names, and whether its examples count (`ok`) or are passed over. */
  scripts: {
    scriptId: string;
    examples: number;
    /**
     * ok; no-intent (no intent, or out_of_scope: its examples stand for nothing); disabled or
     * unpublished (in the draft only); missing.
     */
    status: 'ok' | 'no-intent' | 'disabled' | 'unpublished' | 'missing';
    intent?: IntentName;
  }[];
  /** The same wording (case-, space- and punctuation-blind) given for different intents or scripts. */
  duplicates: { text: string; owners: ReportedOwner[] }[];
  /**
   * Pairs of examples at the campaign's threshold or nearer that lead to different outcomes (another
   * intent, or another script): a caller between them gets whichever is nearer. Nearest first.
   */
  confusable: {
    similarity: number;
    a: { text: string; owner: ReportedOwner };
    b: { text: string; owner: ReportedOwner };
  }[];
  /** Confusable pairs in all (the list stops at MAX_PAIRS). */
  confusableTotal: number;
  /**
   * Examples the intent model itself (campaign threshold) puts in another in-scope intent. Said word
   * for word they still decide, but near examples only decide turns the model puts out of scope, so
   * a caller who puts it a little differently gets the model's intent.
   */
  modelDisagrees: { text: string; owner: ReportedOwner; predicted: { name: IntentName; confidence: number } }[];
}

/** Pairs listed at most. */
const MAX_PAIRS = 100;
/** Neighbours looked at per example for pairs. */
const NEIGHBOURS = 16;
/** Examples searched per event-loop turn (1,000 examples scan in ~0.35 ms each): the gateway keeps serving turns. */
const SEARCHES_PER_TURN = 8;

/**
 * Check a campaign's intent examples against the published library, each other and the intent
 * model: the list an editor works through before callers meet the examples. Embeds the examples
 * afresh (the report is rare; the turns' cache is left alone) and classifies each one.
 */
export async function reportIntentExamples(
  campaign: Campaign,
  deps: {
    embedder: Embedder;
    classifier: IntentClassifier;
    /** A script of the campaign's published library, or of its draft. */
    script: (scriptId: string, draft?: 'draft') => Promise<{ intent?: IntentName; enabled: boolean } | undefined>;
  },
): Promise<IntentExamplesReport> {
  const examples = campaignExamples(campaign);
  const { threshold } = campaign.intentExamples;
  const base = { campaignId: campaign.id, encoder: deps.embedder.modelId, threshold, examples: examples.length };

  // The scripts named, resolved as turns resolve them.
  const scripts: IntentExamplesReport['scripts'] = [];
  const scriptIntent = new Map<string, IntentName | undefined>();
  for (const [scriptId, list] of Object.entries(campaign.intentExamples.byScript)) {
    // Turns read the published library, which holds enabled scripts only; the draft tells why one is not there.
    const published = await deps.script(scriptId);
    const script = published ?? (await deps.script(scriptId, 'draft'));
    const status = scriptStatus(published, script);
    scriptIntent.set(scriptId, status === 'ok' ? published?.intent : undefined);
    scripts.push({ scriptId, examples: list.length, status, ...(script?.intent ? { intent: script.intent } : {}) });
  }
  const owner = (o: ExampleOwner): ReportedOwner => {
    if ('intent' in o) return o;
    const intent = scriptIntent.get(o.scriptId);
    return intent ? { scriptId: o.scriptId, intent } : { scriptId: o.scriptId };
  };
  /** Two owners lead to the same outcome: the same script, or the same intent without two scripts. */
  const agree = (a: ExampleOwner, b: ExampleOwner): boolean => {
    if ('scriptId' in a && 'scriptId' in b) return a.scriptId === b.scriptId;
    const ia = 'intent' in a ? a.intent : scriptIntent.get(a.scriptId);
    const ib = 'intent' in b ? b.intent : scriptIntent.get(b.scriptId);
    return ia !== undefined && ia === ib;
  };

  const duplicates: IntentExamplesReport['duplicates'] = [];
  for (const ids of wordings(examples).values()) {
    if (ids.some((i) => !agree(examples[i].owner, examples[ids[0]].owner))) {
      duplicates.push({ text: examples[ids[0]].text, owners: ids.map((i) => owner(examples[i].owner)) });
    }
  }

  const modelDisagrees: IntentExamplesReport['modelDisagrees'] = [];
  for (const e of examples) {
    const expected = 'intent' in e.owner ? e.owner.intent : scriptIntent.get(e.owner.scriptId);
    if (!expected) continue;
    const p = await deps.classifier.classify(e.text, { threshold: campaign.intentThreshold });
    if (p.name !== 'out_of_scope' && p.name !== expected) {
      modelDisagrees.push({
        text: e.text,
        owner: owner(e.owner),
        predicted: { name: p.name, confidence: p.confidence },
      });
    }
  }

  const pairs: IntentExamplesReport['confusable'] = [];
  if (examples.length > 1) {
    const { vectors, index } = await embedExamples(deps.embedder, examples);
    for (let i = 0; i < vectors.length; i++) {
      if (i > 0 && i % SEARCHES_PER_TURN === 0) await nextLoopTurn();
      for (const hit of index.search(vectors[i], NEIGHBOURS)) {
        if (hit.label <= i || hit.similarity < threshold) continue;
        if (agree(examples[i].owner, examples[hit.label].owner)) continue;
        pairs.push({
          similarity: hit.similarity,
          a: { text: examples[i].text, owner: owner(examples[i].owner) },
          b: { text: examples[hit.label].text, owner: owner(examples[hit.label].owner) },
        });
      }
    }
    pairs.sort((x, y) => y.similarity - x.similarity);
  }
  // Similarities and confidences to four decimals, as turns report them.
  return roundDeep({
    ...base,
    scripts,
    duplicates,
    confusable: pairs.slice(0, MAX_PAIRS),
    confusableTotal: pairs.length,
    modelDisagrees,
  });
}

/** Why turns do or do not count a script's examples: from the published library, else the draft. */
function scriptStatus(
  published: { intent?: IntentName } | undefined,
  draft: { enabled: boolean } | undefined,
): IntentExamplesReport['scripts'][number]['status'] {
  if (published) return published.intent && published.intent !== 'out_of_scope' ? 'ok' : 'no-intent';
  if (!draft) return 'missing';
  return draft.enabled ? 'unpublished' : 'disabled';
}

// `npm run eval:questions` → bench/results/question-eval.json
// Customer questions about the sample campaign's product, each labelled with the approved script that
// answers it (data/campaigns/default/question-answers.jsonl, written without looking at model outputs;
// nothing trains on it). Each question is the first turn of a new conversation on the booted gateway
// (real Redis, intent model, script index) whose generator is the OpenAI-compatible provider pointed at
// the local fake server, which records every prompt. Reported per set (`set` in the file: a was written
// first; b before the corpus additions that followed reading a's results; c before those that followed
// reading b's; d before the sample campaign's intent examples, with no model output read) and per language:
// - intent: the turn was classified into the expected script's intent;
// - of those, the expected script is among the approved replies the generator prompt quotes
//   (`promptExemplars`), and whether it is quoted first (what the offline provider mostly answers with).
import { readFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { promptExemplars, type ChatMessage } from '@huashu/generator';
import { ADMIN_KEY } from '../test/support/boot.js';
import { bootWithFakeLlm } from '../test/support/generator-gateway.js';
import { SAMPLE, SAMPLE_SETTINGS, spokenSample } from '../test/support/sample-campaign.js';
import { writeResult } from '../bench/lib/results.js';

const FILE = 'data/campaigns/default/question-answers.jsonl';
const CAMPAIGN = 'question-eval';

interface Question {
  text: string;
  expected: string;
  /** a, b, c, d: written in that order, each before the changes that followed reading the previous sets' results. */
  set: string;
}

async function main(): Promise<void> {
  const questions = readFileSync(FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Question);
  const byId = new Map(SAMPLE.map((s) => [s.id, s]));
  for (const q of questions) if (!byId.has(q.expected)) throw new Error(`${FILE}: unknown script ${q.expected}`);

  // INTENT_MODEL_PATH / EMBEDDER_* from the environment evaluate another model on the same questions.
  const passed = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => /^(INTENT_MODEL_|EMBEDDER_)/.test(e[0]) && e[1] !== undefined,
    ),
  );
  const { gw, llm } = await bootWithFakeLlm('question-eval', passed);
  try {
    const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(gw.url + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_KEY}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    await call('PUT', `/v1/admin/campaigns/${CAMPAIGN}`, SAMPLE_SETTINGS);
    await call('POST', `/v1/admin/scripts/import?campaign=${CAMPAIGN}&mode=replace`, SAMPLE);
    await call('POST', `/v1/admin/scripts/publish?campaign=${CAMPAIGN}`);

    const rows: {
      set: string;
      text: string;
      expected: string;
      lang: string;
      intent: string;
      expectedIntent: string;
      quotedAt: number | null;
    }[] = [];
    const bar = new SingleBar({ format: 'questions {bar} {value}/{total}' }, Presets.shades_classic);
    bar.start(questions.length, 0);
    for (const q of questions) {
      const { conversationId } = await call('POST', '/v1/conversations', { campaignId: CAMPAIGN });
      const sent = llm.requests.length;
      const turn = (await call('POST', `/v1/conversations/${String(conversationId)}/turns`, { text: q.text })) as {
        intent: { name: string };
      };
      const prompt = llm.requests.slice(sent).find((r) => r.path.endsWith('/chat/completions'));
      const quoted = prompt ? promptExemplars((prompt.body as { messages: ChatMessage[] }).messages) : [];
      const at = quoted.indexOf(spokenSample(q.expected));
      rows.push({
        set: q.set,
        text: q.text,
        expected: q.expected,
        lang: q.expected.slice(0, 2),
        intent: turn.intent.name,
        expectedIntent: byId.get(q.expected)!.intent ?? '',
        quotedAt: at >= 0 ? at : null,
      });
      bar.increment();
    }
    bar.stop();

    const summary = (set: string, lang: string) => {
      const of = rows.filter((r) => (set === '' || r.set === set) && (lang === '' || r.lang === lang));
      const right = of.filter((r) => r.intent === r.expectedIntent);
      const share = (n: number, d: number) => (d ? Math.round((1000 * n) / d) / 1000 : null);
      return {
        questions: of.length,
        intentRight: share(right.length, of.length),
        classifiedOutOfScope: share(of.filter((r) => r.intent === 'out_of_scope').length, of.length),
        ofIntentRight: {
          expectedQuoted: share(right.filter((r) => r.quotedAt !== null).length, right.length),
          expectedQuotedFirst: share(right.filter((r) => r.quotedAt === 0).length, right.length),
        },
      };
    };
    const sets = [...new Set(rows.map((r) => r.set)), ''];
    const bySet = Object.fromEntries(
      sets.map((set) => [set || 'all', { zh: summary(set, 'zh'), en: summary(set, 'en'), all: summary(set, '') }]),
    );
    writeResult('question-eval', { file: FILE, sets: bySet, rows });
    for (const set of sets) {
      const s = summary(set, '');
      process.stdout.write(
        `set ${set || 'all'}: ${s.questions} questions, intent right ${s.intentRight} (out_of_scope ${s.classifiedOutOfScope}); ` +
          `of those, expected script quoted ${s.ofIntentRight.expectedQuoted}, quoted first ${s.ofIntentRight.expectedQuotedFirst}\n`,
      );
    }
  } finally {
    await gw.close();
    await llm.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

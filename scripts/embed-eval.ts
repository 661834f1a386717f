// Evaluate the built-in encoder (real ONNX session) on AFQMC dev and on the project's held-out
// paraphrases; writes bench/results/embed-eval.json and embed-eval.html.
// `npm run embed:eval [-- --afqmc ../shared/datasets/afqmc/dev.csv --model models/embedding]`
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { isReservedScript } from '@huashu/common';
import { createProgress, HashedFeaturiser, SeededRng } from '@huashu/ml';
import {
  BuiltinEmbedderAdapter,
  ContrastiveTrainer,
  DEFAULT_ENCODER_PARAMS,
  idfScale,
  referenceEmbed,
  SentenceEncoderModel,
  dot,
  evaluateParaphrases,
  isHeldOut,
  loadParaphrases,
  pairMetrics,
  renderEmbeddingReport,
  scoreParaphrasePairs,
  type ReportSection,
  type ScoredPair,
} from '@huashu/embedding';

const BATCH = 256;

async function embedAll(
  embedder: BuiltinEmbedderAdapter,
  texts: string[],
  label: string,
): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(texts)];
  const out = new Map<string, Float32Array>();
  const bar = createProgress(label, unique.length);
  for (let i = 0; i < unique.length; i += BATCH) {
    const chunk = unique.slice(i, i + BATCH);
    (await embedder.embed(chunk)).forEach((v, k) => out.set(chunk[k], v));
    bar.tick(chunk.length);
  }
  bar.stop();
  return out;
}

/**
 * The encoder at its real job: each labelled candidate text of the sample campaign
 * (`threshold-pairs.jsonl`: text → expected script id, or null = should fall back) against every
 * script of that campaign (slots like {customer_name} removed). Texts of that file are never
 * trained on.
 */
async function evaluateScriptMatching(
  embedder: BuiltinEmbedderAdapter,
  dataDir: string,
): Promise<{
  summary?: {
    campaigns: string[];
    scripts: number;
    matchable: number;
    fallback: number;
    top1Accuracy: number;
    rocAuc: number;
    meanTopCorrect: number;
    meanTopFallback: number;
  };
  pairs: ScoredPair[];
}> {
  const root = join(dataDir, 'campaigns');
  if (!existsSync(root)) return { pairs: [] };
  const readJsonl = <T>(file: string): T[] =>
    readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as T);
  const campaigns: string[] = [];
  const pairs: ScoredPair[] = [];
  let scripts = 0;
  let matchable = 0;
  let correct = 0;
  const topCorrect: number[] = [];
  const topFallback: number[] = [];
  for (const id of readdirSync(root).sort()) {
    const scriptsFile = join(root, id, 'scripts.jsonl');
    const pairsFile = join(root, id, 'threshold-pairs.jsonl');
    if (!existsSync(scriptsFile) || !existsSync(pairsFile)) continue;
    campaigns.push(id);
    // Reserved scripts (confirmation questions, abuse calming lines) are no match target (the matcher's open search leaves them out).
    const library = readJsonl<{ id: string; text: string; tags?: string[] }>(scriptsFile).filter(
      (s) => !isReservedScript(s),
    );
    const labelled = readJsonl<{ text: string; expected: string | null }>(pairsFile);
    scripts += library.length;
    const sv = await embedder.embed(library.map((x) => x.text.replace(/\{[a-z_]+\}/g, ' ')));
    const qv = await embedder.embed(labelled.map((x) => x.text));
    labelled.forEach((p, i) => {
      let best = -Infinity;
      let bestId = '';
      sv.forEach((v, k) => {
        const c = dot(qv[i], v);
        if (c > best) [best, bestId] = [c, library[k].id];
      });
      if (p.expected === null) {
        topFallback.push(best);
        pairs.push({ score: best, positive: false });
        return;
      }
      matchable++;
      if (bestId === p.expected) {
        correct++;
        topCorrect.push(best);
        pairs.push({ score: best, positive: true });
      }
    });
  }
  if (campaigns.length === 0) return { pairs };
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    summary: {
      campaigns,
      scripts,
      matchable,
      fallback: topFallback.length,
      top1Accuracy: correct / Math.max(1, matchable),
      rocAuc: pairMetrics(pairs).rocAuc,
      meanTopCorrect: mean(topCorrect),
      meanTopFallback: mean(topFallback),
    },
    pairs,
  };
}

type AfqmcRow = { sentence1: string; sentence2: string; label: string };

/**
 * Reference point only (never shipped): the same architecture and trainer fitted on AFQMC's own
 * train split (its positive pairs, in-batch negatives), scored on dev — what the encoder can
 * learn when the domain is in its training data. The dataset README allows train → dev.
 */
function afqmcTrainedReference(train: AfqmcRow[], dev: AfqmcRow[]): ReturnType<typeof pairMetrics> {
  const params = DEFAULT_ENCODER_PARAMS;
  const featuriser = new HashedFeaturiser(params.featuriser);
  const rng = new SeededRng(params.seed);
  const texts = train.flatMap((r) => [r.sentence1, r.sentence2]);
  const model = SentenceEncoderModel.init(
    { buckets: params.featuriser.buckets, dim: params.dim },
    rng.fork(),
    idfScale(texts, featuriser),
  );
  const groups = train
    .filter((r) => r.label === '1')
    .map((r) => ({ texts: [r.sentence1, r.sentence2].map((t) => featuriser.featurise(t)), negatives: [], weight: 1 }));
  const epochs = 3;
  const bar = createProgress('afqmc-train reference epochs', epochs);
  new ContrastiveTrainer(
    model,
    { epochs, batchSize: params.batchSize, lr: params.lr, temperature: params.temperature, featureDropout: 0 },
    rng.fork(),
  ).train(groups, (r) => bar.tick(1, { loss: r.loss }));
  bar.stop();
  const embed = referenceEmbed(model, featuriser);
  return pairMetrics(
    dev.map((r) => {
      const [a, b] = embed([r.sentence1, r.sentence2]);
      return { score: dot(a, b), positive: r.label === '1' };
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      afqmc: { type: 'string', default: '../shared/datasets/afqmc/dev.csv' },
      model: { type: 'string', default: 'models/embedding' },
      data: { type: 'string', default: 'data' },
      'afqmc-train': { type: 'string', default: '../shared/datasets/afqmc/train.csv' },
      'skip-reference': { type: 'boolean', default: false },
    },
  });
  if (!existsSync(resolve(values.afqmc))) {
    // The public set is not in the repository: it is read in place (--afqmc <file>).
    process.stderr.write(`embed:eval: ${values.afqmc} not found (AFQMC dev is read in place; --afqmc <file>)\n`);
    process.exit(1);
  }
  const embedder = new BuiltinEmbedderAdapter({ modelDir: resolve(values.model) });
  await embedder.load();
  const meta = embedder.metadata!;

  // AFQMC dev: CSV sentence1,sentence2,label (1 = same meaning). Read in place, never copied.
  const rows = parse<AfqmcRow>(readFileSync(resolve(values.afqmc)), {
    columns: true,
    skip_empty_lines: true,
  });
  const vec = await embedAll(
    embedder,
    rows.flatMap((r) => [r.sentence1, r.sentence2]),
    'afqmc dev',
  );
  const afqmcPairs: ScoredPair[] = rows.map((r) => ({
    score: dot(vec.get(r.sentence1)!, vec.get(r.sentence2)!),
    positive: r.label === '1',
  }));
  const afqmc = pairMetrics(afqmcPairs);

  // Held-out paraphrase groups of data/paraphrases (never trained on).
  const heldOut = loadParaphrases(resolve(values.data)).groups.filter(isHeldOut);
  const pvec = await embedAll(
    embedder,
    heldOut.flatMap((g) => [...g.texts, ...g.negatives]),
    'paraphrases',
  );
  const lookup = (texts: string[]): Float32Array[] => texts.map((t) => pvec.get(t)!);
  const langs = ['zh', 'en', 'all'] as const;
  const paraphrases = langs.map((lang) => evaluateParaphrases(heldOut, lookup, lang));
  const scriptMatching = await evaluateScriptMatching(embedder, resolve(values.data));
  await embedder.close();
  const trainFile = resolve(values['afqmc-train']);
  const reference =
    values['skip-reference'] || !existsSync(trainFile)
      ? undefined
      : afqmcTrainedReference(
          parse<AfqmcRow>(readFileSync(trainFile), { columns: true, skip_empty_lines: true }),
          rows,
        );

  const result = {
    model: { modelId: meta.modelId, dim: meta.dim, precision: meta.precision, dataSha256: meta.data.sha256 },
    afqmcDev: { file: values.afqmc, ...afqmc, majorityClassAccuracy: 1 - afqmc.positives / afqmc.pairs },
    afqmcDevSameArchitectureTrainedOnAfqmcTrain: reference
      ? { note: 'reference only, not shipped: 3 epochs on the AFQMC train positives', ...reference }
      : null,
    heldOutParaphrases: paraphrases,
    sampleCampaignMatching: scriptMatching.summary,
    command: 'npm run embed:eval',
  };
  const dir = join(process.cwd(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'embed-eval.json'),
    JSON.stringify({ benchmark: 'embed-eval', measuredAt: new Date().toISOString(), ...result }, null, 2) + '\n',
  );
  const sections: ReportSection[] = [
    {
      title: `AFQMC dev (${afqmc.pairs} pairs, ${afqmc.positives} same meaning)`,
      figures: {
        'ROC-AUC': afqmc.rocAuc,
        'best-threshold accuracy': afqmc.bestAccuracy.accuracy,
        'accuracy threshold': Number.isFinite(afqmc.bestAccuracy.threshold)
          ? afqmc.bestAccuracy.threshold
          : 'none: calling every pair "different" is as accurate',
        'best F1': afqmc.bestF1.f1,
        'F1 threshold': afqmc.bestF1.threshold,
        'majority-class accuracy': result.afqmcDev.majorityClassAccuracy,
        'reference: same architecture trained on AFQMC train (not shipped), ROC-AUC / accuracy / F1': reference
          ? `${reference.rocAuc.toFixed(4)} / ${reference.bestAccuracy.accuracy.toFixed(4)} / ${reference.bestF1.f1.toFixed(4)}`
          : 'not run',
        'published (cross-encoders, accuracy)': 'ALBERT-tiny 0.6913, BERT-base 0.7416, RoBERTa-wwm-large 0.7492',
      },
      pairs: afqmcPairs,
    },
    ...(scriptMatching.summary
      ? [
          {
            title: `Sample campaign: labelled candidate texts against its ${scriptMatching.summary.scripts} scripts`,
            figures: {
              'top-1 accuracy (texts with an expected script)': scriptMatching.summary.top1Accuracy,
              'texts with an expected script': scriptMatching.summary.matchable,
              'texts that should fall back': scriptMatching.summary.fallback,
              'ROC-AUC of the top similarity (correct top-1 vs should-fall-back)': scriptMatching.summary.rocAuc,
              'mean top similarity, correct top-1': scriptMatching.summary.meanTopCorrect,
              'mean top similarity, should fall back': scriptMatching.summary.meanTopFallback,
            },
            pairs: scriptMatching.pairs,
          },
        ]
      : []),
    ...langs.map((lang, i): ReportSection => {
      const e = paraphrases[i];
      return {
        title: `Held-out paraphrases, ${lang} (${e.groups} groups)`,
        figures: {
          'ROC-AUC (vs hard negatives and unrelated)': e.pairs.rocAuc,
          'ROC-AUC paraphrase vs unrelated': e.paraphraseVsUnrelatedAuc,
          'ROC-AUC paraphrase vs hard negative': e.paraphraseVsHardNegativeAuc,
          'best-threshold accuracy': e.pairs.bestAccuracy.accuracy,
          'best F1': e.pairs.bestF1.f1,
          'retrieval@1': e.retrievalAt1,
          'mean cosine paraphrase': e.meanCosine.paraphrase,
          'mean cosine hard negative': e.meanCosine.hardNegative,
          'mean cosine unrelated': e.meanCosine.unrelated,
        },
        pairs: scoreParaphrasePairs(heldOut, lookup, lang).scored,
      };
    }),
  ];
  await writeFile(
    join(dir, 'embed-eval.html'),
    renderEmbeddingReport(
      `Built-in encoder ${meta.modelId}`,
      `Cosine similarity of each pair from the shipped ONNX model (${meta.dim} dims, ${meta.precision}). ` +
        'AFQMC is out of domain (Alipay customer-service questions) and the encoder is never trained on it.',
      sections,
    ),
  );
  process.stdout.write(
    `AFQMC dev: auc=${afqmc.rocAuc.toFixed(4)} acc=${afqmc.bestAccuracy.accuracy.toFixed(4)} f1=${afqmc.bestF1.f1.toFixed(4)}\n` +
      (reference
        ? `AFQMC dev, same architecture trained on AFQMC train (reference): auc=${reference.rocAuc.toFixed(4)} ` +
          `acc=${reference.bestAccuracy.accuracy.toFixed(4)} f1=${reference.bestF1.f1.toFixed(4)}\n`
        : '') +
      paraphrases
        .map(
          (e) =>
            `paraphrases ${e.lang}: auc=${e.pairs.rocAuc.toFixed(4)} vsUnrelated=${e.paraphraseVsUnrelatedAuc.toFixed(4)} ` +
            `vsHard=${e.paraphraseVsHardNegativeAuc.toFixed(4)} f1=${e.pairs.bestF1.f1.toFixed(4)} r@1=${e.retrievalAt1.toFixed(4)}`,
        )
        .join('\n') +
      (scriptMatching.summary
        ? `\nsample campaign: top1=${scriptMatching.summary.top1Accuracy.toFixed(4)} auc=${scriptMatching.summary.rocAuc.toFixed(4)}`
        : '') +
      `\nwrote ${join(dir, 'embed-eval.json')} and embed-eval.html\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

// `npm run intent:eval [-- --dataset corpus|banking77|kuake|all] [--select]`
// Evaluates the intent pipeline on the project corpus (held-out split, the shipped recipe) and on
// the public sets under ../shared/datasets (read in place, never copied): closed-set accuracy and
// the out-of-scope protocol of ../shared/datasets/README.md (a seeded 25% of intents held out of
// training, their test utterances count as out-of-scope; threshold chosen on validation).
// Writes bench/results/intent-eval.json and a self-contained bench/results/intent-eval.html.
// `--select` is for choosing settings: a public set's test/dev split is replaced by a seeded 20% of
// its TRAIN split (trained on the other 80%), so settings are never chosen on the figure reported.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  holdOutLabels,
  INTENT_NAMES,
  languageOf,
  loadCorpusDir,
  parseCsvCorpus,
  renderHtmlReport,
  roundDeep,
  SHIPPED_TRAIN_PARAMS,
  splitCorpus,
  stratifiedSplit,
  trainAndEvaluate,
  type EvalExample,
  type EvaluationReport,
  type IntentTrainParams,
  type ReportSection,
} from '@huashu/intent';

const PROBE = 'data/intent-probe';
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'all' },
    // The public sets are not in the repository: they are read in place from here.
    datasets: { type: 'string', default: '../shared/datasets' },
    out: { type: 'string', default: 'bench/results' },
    select: { type: 'boolean', default: false },
  },
});
const select = args.select;
const DATASETS = args.datasets;

/**
 * Larger table and model for the public sets (10k utterances, 77 intents); not shipped. They keep
 * the recipe their README figures were measured with: temperature and threshold on a validation
 * carve-out (no cross-fitting, which would train six of these larger models), dropout 0.2 and label
 * smoothing 0.1.
 */
const PUBLIC_EVAL_PARAMS: IntentTrainParams = {
  ...SHIPPED_TRAIN_PARAMS,
  featuriser: { ...SHIPPED_TRAIN_PARAMS.featuriser, buckets: 1 << 18 },
  dim: 64,
  hidden: 128,
  epochs: 20,
  batchSize: 32,
  dropout: 0.2,
  labelSmoothing: 0.1,
  crossFitFolds: 0,
};

/**
 * KUAKE-QIC (6.9k short Chinese medical queries, 11 classes): the hidden layer and long training
 * memorise the 2^18 table within 2 epochs (loss at the smoothing floor) and held-out accuracy stalls
 * at ~75%. A plain fastText head (bag → logits), wider bag, lower learning rate, 8 epochs (an early
 * stop) and more dropout generalise better. Chosen on a seeded 80/20 split of TRAIN only (selection
 * accuracy 75.2% → 77.3%; dev was evaluated once with the chosen setting).
 */
const KUAKE_EVAL_PARAMS: IntentTrainParams = {
  ...PUBLIC_EVAL_PARAMS,
  dim: 100,
  hidden: 0,
  epochs: 8,
  lr: 0.003,
  dropout: 0.3,
};

function corpusSections(): ReportSection[] {
  const corpus = loadCorpusDir('data/intents');
  const examples: EvalExample[] = corpus.examples.map((e) => ({
    text: e.text,
    label: e.label,
    lang: languageOf(e.text),
  }));
  const p = SHIPPED_TRAIN_PARAMS;
  const [train, validation, test] = splitCorpus(examples, p.seed);
  const run = (dataset: string, on: EvalExample[]) =>
    trainAndEvaluate({ dataset, train, validation, test: on, params: p, labelOrder: INTENT_NAMES }).report;
  // The probe set is never trained on (intent:train and embed:train read data/intents only); the
  // same seeded run scores it, so both sections describe one model.
  const probe: EvalExample[] = loadCorpusDir(PROBE).examples.map((e) => ({
    text: e.text,
    label: e.label,
    lang: languageOf(e.text),
  }));
  return [
    {
      title: 'Project corpus (data/intents), held-out test split',
      note: 'The shipped recipe: 70/15/15 stratified by intent × language; temperature and threshold on 5-fold out-of-fold predictions over train + validation, model trained on train + validation; it has an out_of_scope class trained on the corpus’s out-of-scope utterances.',
      report: run('huashu-corpus', test),
    },
    {
      title: `Project probe set (${PROBE}), never trained on`,
      note: 'The same model on utterances written after the corpus without looking at model outputs.',
      report: run('huashu-probe', probe),
    },
  ];
}

/** Closed-set run and out-of-scope-protocol run of one public set. */
function publicSections(
  dataset: string,
  all: EvalExample[],
  reported: EvalExample[],
  reference: string,
  p: IntentTrainParams = PUBLIC_EVAL_PARAMS,
): ReportSection[] {
  const [train, test] = select ? stratifiedSplit(all, (e) => e.label, [0.8, 0.2], p.seed) : [all, reported];
  const name = select ? `${dataset}-select` : dataset;
  const [fit, validation] = stratifiedSplit(train, (e) => e.label, [0.9, 0.1], p.seed);
  const closed = trainAndEvaluate({ dataset: `${name}-closed`, train: fit, validation, test, params: p }).report;
  const labels = [...new Set(train.map((e) => e.label))];
  const held = holdOutLabels(labels, 0.25, p.seed);
  const oos = trainAndEvaluate({
    dataset: `${name}-oos`,
    train: fit.filter((e) => !held.has(e.label)),
    validation,
    test,
    params: p,
    heldOutLabels: [...held].sort(),
  }).report;
  return [
    {
      title: `${name}: closed set (all intents trained)`,
      note: select
        ? 'Selection run: 80% of the train split (90% fit / 10% validation) → the other 20% of train; the reported test/dev split is not used.'
        : `Train split (90% fit / 10% validation for temperature and threshold) → test. Published reference: ${reference}.`,
      report: closed,
    },
    {
      title: `${name}: out-of-scope protocol (${held.size} of ${labels.length} intents held out)`,
      note: 'Held-out intents’ utterances count as out-of-scope; threshold fitted on validation (which includes held-out intents) for the balanced objective.',
      report: oos,
    },
  ];
}

function banking77(): ReportSection[] {
  const read = (f: string): EvalExample[] =>
    parseCsvCorpus(readFileSync(join(DATASETS, 'banking77', f), 'utf8'), f, {
      labels: 'any',
      duplicates: 'keep',
      maxLength: 5000,
    }).map((e) => ({ text: e.text, label: e.label }));
  return publicSections(
    'banking77',
    read('train.csv'),
    read('test.csv'),
    'BERT-large 93.66, USE+ConveRT 93.36 test accuracy',
  );
}

function kuake(): ReportSection[] {
  const read = (f: string): EvalExample[] =>
    (JSON.parse(readFileSync(join(DATASETS, 'kuake_qic', f), 'utf8')) as { query: string; label: string }[]).map(
      (r) => ({
        text: r.query,
        label: r.label,
      }),
    );
  return publicSections(
    'kuake_qic',
    read('KUAKE-QIC_train.json'),
    read('KUAKE-QIC_dev.json'),
    'BERT-base 84.3, RoBERTa-wwm-ext-base 85.5, ALBERT-tiny 75.8 (CBLUE; dev used here, test labels are not public)',
    KUAKE_EVAL_PARAMS,
  );
}

function main(): void {
  const values = args;
  const want = (d: string) => values.dataset === 'all' || values.dataset === d;
  // A public set that is not there: skipped (with a line) under `all`, one clear error when asked for by name.
  const available = (d: string, dir: string): boolean => {
    if (existsSync(join(DATASETS, dir))) return true;
    const line = `${d}: ${join(DATASETS, dir)} not found (public datasets are read in place; --datasets <dir>)`;
    if (values.dataset !== 'all') {
      process.stderr.write(`intent:eval: ${line}\n`);
      process.exit(1);
    }
    process.stdout.write(`skipping ${line}\n`);
    return false;
  };
  const sections: ReportSection[] = [
    ...(want('corpus') ? corpusSections() : []),
    ...(want('banking77') && available('banking77', 'banking77') ? banking77() : []),
    ...(want('kuake') && available('kuake', 'kuake_qic') ? kuake() : []),
  ];
  const suffix = (values.dataset === 'all' ? '' : `-${values.dataset}`) + (select ? '-select' : '');
  mkdirSync(values.out, { recursive: true });
  const json = join(values.out, `intent-eval${suffix}.json`);
  const html = join(values.out, `intent-eval${suffix}.html`);
  const reports: EvaluationReport[] = sections.map((s) => s.report);
  writeFileSync(
    json,
    JSON.stringify({ evaluatedAt: new Date().toISOString(), reports: roundDeep(reports, 5) }, null, 2) + '\n',
  );
  writeFileSync(
    html,
    renderHtmlReport('huashu intent classifier evaluation', sections, {
      generated: new Date().toISOString(),
      command: `npm run intent:eval -- --dataset ${values.dataset}${select ? ' --select' : ''}`,
      node: process.version,
    }),
  );
  for (const r of reports) {
    const t = r.test;
    process.stdout.write(
      `${r.dataset}: closed-set ${(100 * t.closedSetAccuracy).toFixed(2)}%, in-scope ${(100 * t.inScopeAccuracy).toFixed(2)}%, OOS recall ${(100 * t.oosRecall).toFixed(2)}%, macro-F1 ${t.macroF1.toFixed(3)}, ECE ${r.calibration.eceBefore.toFixed(3)} → ${r.calibration.eceAfter.toFixed(3)}, T ${r.temperature}, threshold ${r.threshold.value}, ${r.trainSeconds.toFixed(1)} s\n`,
    );
  }
  process.stdout.write(`→ ${json}\n→ ${html}\n`);
}

main();

// `npm run intent:train [-- --data data/intents --out models/intent --target-oos-precision 0.9]`
// Rebuilds the shipped intent model from the corpus, deterministically (same bytes every run).
import { parseArgs } from 'node:util';
import { OnnxRuntimeAdapter } from '@huashu/ml';
import { buildIntentModel, SHIPPED_TRAIN_PARAMS, type ThresholdObjective } from '@huashu/intent';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'data/intents' },
      out: { type: 'string', default: 'models/intent' },
      'target-oos-precision': { type: 'string' },
      epochs: { type: 'string' },
    },
  });
  const objective: ThresholdObjective = values['target-oos-precision']
    ? { kind: 'oos-precision', precision: Number(values['target-oos-precision']) }
    : { kind: 'balanced' };
  const params = { ...SHIPPED_TRAIN_PARAMS, ...(values.epochs ? { epochs: Number(values.epochs) } : {}) };
  const started = performance.now();
  const { metadata } = await buildIntentModel({
    corpusDir: values.data,
    outDir: values.out,
    params,
    objective,
    runtime: new OnnxRuntimeAdapter(),
  });
  const t = metadata.evaluation.test;
  process.stdout.write(
    [
      `intent model → ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      `  data ${metadata.data.examples} utterances, sha256 ${metadata.data.sha256.slice(0, 12)}…`,
      `  temperature ${metadata.temperature}, threshold ${metadata.threshold} (${metadata.thresholdObjective.kind})`,
      `  test: accuracy ${t.accuracy}, in-scope ${t.inScopeAccuracy}, OOS recall ${t.oosRecall}, macro-F1 ${t.macroF1}`,
      `  ECE ${metadata.evaluation.calibration.eceBefore} → ${metadata.evaluation.calibration.eceAfter}`,
      ...Object.entries(metadata.files).map(
        ([p, f]) =>
          `  ${p}: ${f.file} ${(f.bytes / 1024).toFixed(0)} KiB, test accuracy ${metadata.evaluation.precisions[p as 'fp32'].testAccuracy}`,
      ),
    ].join('\n') + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

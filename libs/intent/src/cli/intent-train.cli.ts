// `npm run intent:train [-- --data data/intents --out models/intent --target-oos-precision 0.9 --cross-fit-repeats 5]`
// Rebuilds the shipped intent model from the corpus, deterministically (same bytes every run).
// `--check` rebuilds into a temporary directory and fails unless every file equals the shipped one.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxRuntimeAdapter } from '@huashu/ml';
import { buildIntentModel, INTENT_MODEL_FILES, SHIPPED_TRAIN_PARAMS, type ThresholdObjective } from '@huashu/intent';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: 'data/intents' },
      out: { type: 'string', default: 'models/intent' },
      'target-oos-precision': { type: 'string' },
      epochs: { type: 'string' },
      'cross-fit-repeats': { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  const outDir = values.check ? mkdtempSync(join(tmpdir(), 'intent-check-')) : values.out;
  const objective: ThresholdObjective = values['target-oos-precision']
    ? { kind: 'oos-precision', precision: Number(values['target-oos-precision']) }
    : { kind: 'balanced' };
  const params = {
    ...SHIPPED_TRAIN_PARAMS,
    ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
    ...(values['cross-fit-repeats'] ? { crossFitRepeats: Number(values['cross-fit-repeats']) } : {}),
  };
  const started = performance.now();
  const { metadata } = await buildIntentModel({
    corpusDir: values.data,
    outDir,
    params,
    objective,
    runtime: new OnnxRuntimeAdapter(),
  });
  const t = metadata.evaluation.test;
  process.stdout.write(
    [
      `intent model → ${outDir} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
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
  if (values.check) {
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    const differing = Object.values(INTENT_MODEL_FILES).filter(
      (f) => sha(join(outDir, f)) !== sha(join(values.out, f)),
    );
    rmSync(outDir, { recursive: true, force: true });
    if (differing.length > 0) throw new Error(`rebuild differs from ${values.out}: ${differing.join(', ')}`);
    process.stdout.write(`rebuild is byte-for-byte identical to ${values.out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

// Rebuild the built-in sentence encoder (models/embedding/) from data/: deterministic, byte-for-byte.
// `npm run embed:train [-- --data data --out models/embedding]`
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createProgress } from '@huashu/ml';
import {
  BUILTIN_MODEL_FILES,
  DEFAULT_ENCODER_PARAMS,
  evaluateParaphrases,
  packageEncoder,
  referenceEmbed,
  tableForPrecision,
  trainEncoder,
} from '@huashu/embedding';

function main(): void {
  const { values } = parseArgs({
    options: { data: { type: 'string', default: 'data' }, out: { type: 'string', default: 'models/embedding' } },
  });
  const root = process.cwd();
  const params = DEFAULT_ENCODER_PARAMS;
  const bar = createProgress('embed:train epochs', params.epochs);
  const started = performance.now();
  const trained = trainEncoder(resolve(values.data), root, params, (r) => bar.tick(1, { loss: r.loss }));
  bar.stop();
  // Evaluate what is shipped: the table as the exported precision stores it.
  const shipped = trained.model.withTable(tableForPrecision(trained.model, params.precision));
  const embed = referenceEmbed(shipped, trained.featuriser);
  const evaluation = (['zh', 'en', 'all'] as const).map((lang) => evaluateParaphrases(trained.heldOut, embed, lang));
  const { onnx, metadata } = packageEncoder(trained, params, evaluation);
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, BUILTIN_MODEL_FILES.onnx), onnx);
  writeFileSync(join(out, BUILTIN_MODEL_FILES.metadata), JSON.stringify(metadata, null, 2) + '\n');
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`wrote ${out} (${metadata.modelId}, ${(onnx.length / 2 ** 20).toFixed(1)} MiB) in ${secs} s\n`);
  for (const e of evaluation) {
    process.stdout.write(
      `held-out ${e.lang}: groups=${e.groups} auc=${e.pairs.rocAuc.toFixed(4)} f1=${e.pairs.bestF1.f1.toFixed(4)} ` +
        `acc=${e.pairs.bestAccuracy.accuracy.toFixed(4)} r@1=${e.retrievalAt1.toFixed(4)} ` +
        `cos para=${e.meanCosine.paraphrase.toFixed(3)} hard=${e.meanCosine.hardNegative.toFixed(3)} unrel=${e.meanCosine.unrelated.toFixed(3)}\n`,
    );
  }
}

main();

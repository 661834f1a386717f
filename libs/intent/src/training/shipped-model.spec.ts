import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseText } from '@huashu/ml';
import { INTENT_MODEL_FILES, loadCorpusDir, SHIPPED_TRAIN_PARAMS, type IntentModelMetadata } from '@huashu/intent';

// The shipped model must be the one `npm run intent:train` builds from the current corpus with the
// current parameters. Here the cheap checks (recorded data hash, parameters, file hashes); byte-for-
// byte reproducibility is tested on a small build in onnx-intent-classifier.spec.ts, and
// `npm run intent:train -- --check` rebuilds the shipped model and compares it (~20 s).
describe('models/intent (shipped)', () => {
  const dir = 'models/intent';
  const meta = JSON.parse(readFileSync(join(dir, INTENT_MODEL_FILES.meta), 'utf8')) as IntentModelMetadata;

  it('was built from the current corpus with the current parameters', () => {
    expect(meta.data.sha256).toBe(loadCorpusDir('data/intents').sha256);
    expect(meta.training).toEqual(SHIPPED_TRAIN_PARAMS);
  });

  it('holds the files its metadata names, byte for byte', () => {
    for (const p of ['fp32', 'fp16', 'int8'] as const) {
      const bytes = readFileSync(join(dir, meta.files[p].file));
      expect(bytes.length).toBe(meta.files[p].bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(meta.files[p].sha256);
      expect(meta.evaluation.precisions[p].agreesWithReference).toBe(true);
    }
  });

  it('never saw the probe set: data/intent-probe loads and shares no utterance with the corpus', () => {
    const corpus = new Set(loadCorpusDir('data/intents').examples.map((e) => normaliseText(e.text)));
    const probe = loadCorpusDir('data/intent-probe').examples;
    expect(probe.length).toBeGreaterThanOrEqual(200);
    expect(probe.filter((e) => corpus.has(normaliseText(e.text))).map((e) => e.text)).toEqual([]);
    expect(meta.data.files.some((f) => f.includes('intent-probe'))).toBe(false);
  });
});

// `npm run scripts:threshold [-- --campaign default --target 0.95 --pairs <file>]`
// Fit the campaign match threshold on labelled pairs: embed the campaign's scripts and the pairs
// with the configured embedder, take each pair's best script that is neither a fallback nor a
// confirmation question (exact cosine search, the same ranking the matcher's open search uses), sweep
// the threshold and propose the lowest one that keeps precision at or above the target. Writes bench/results/threshold-sweep.{json,html}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { isReservedScript } from '@huashu/common';
import { loadConfig } from '@huashu/config';
import { createEmbedder } from '@huashu/embedding';
import {
  ExactVectorIndex,
  parseRows,
  renderSweepHtml,
  scriptInputSchema,
  sweepThreshold,
  type LabelledPair,
  type ScoredPair,
} from '@huashu/scripts';

const { values } = parseArgs({
  options: {
    campaign: { type: 'string', default: 'default' },
    target: { type: 'string', default: '0.95' },
    pairs: { type: 'string' },
    out: { type: 'string', default: join('bench', 'results') },
  },
});

const config = loadConfig();
const dir = join(config.paths.data, 'campaigns', values.campaign);
const scripts = parseRows(readFileSync(join(dir, 'scripts.jsonl'), 'utf8'))
  .map((r) => scriptInputSchema.parse(r))
  // As the matcher's open search: no fallback, no reserved script (confirmation question, abuse line).
  .filter((s) => s.enabled && !s.fallback && !isReservedScript(s));
const pairs = parseRows(readFileSync(values.pairs ?? join(dir, 'threshold-pairs.jsonl'), 'utf8')) as LabelledPair[];
const target = Number(values.target);

const embedder = createEmbedder(config);
await embedder.load();
const bar = new SingleBar(
  { format: 'embedding {bar} {value}/{total}', clearOnComplete: false },
  Presets.shades_classic,
);
bar.start(scripts.length + pairs.length, 0);
const embedAll = async (texts: string[]) => {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 64) {
    out.push(...(await embedder.embed(texts.slice(i, i + 64))));
    bar.update(out.length + (texts === pairTexts ? scripts.length : 0));
  }
  return out;
};
const pairTexts = pairs.map((p) => p.text);
const scriptVecs = await embedAll(scripts.map((s) => s.text));
const index = new ExactVectorIndex(embedder.dim, scripts.length);
scriptVecs.forEach((v, i) => index.upsert(i, v));
const pairVecs = await embedAll(pairTexts);
bar.stop();

const scored: ScoredPair[] = pairs.map((p, i) => {
  const [hit] = index.search(pairVecs[i], 1);
  return {
    expected: p.expected,
    ...(hit ? { best: { scriptId: scripts[hit.label].id, similarity: hit.similarity } } : {}),
  };
});
const result = sweepThreshold(scored, target);
mkdirSync(values.out, { recursive: true });
const base = join(values.out, 'threshold-sweep');
writeFileSync(
  `${base}.json`,
  JSON.stringify(
    {
      campaign: values.campaign,
      embedder: { modelId: embedder.modelId, dim: embedder.dim },
      scripts: scripts.length,
      top1Accuracy:
        scored.filter((s) => s.expected !== null && s.best?.scriptId === s.expected).length / result.positives,
      ...result,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  `${base}.html`,
  renderSweepHtml(result, `Match threshold sweep — campaign ${values.campaign} (${embedder.modelId})`),
);
await embedder.close();
const a = result.atProposed;
process.stdout.write(
  `proposed threshold ${result.proposedThreshold ?? 'none'} for precision ≥ ${target}` +
    (a ? ` (precision ${a.precision}, recall ${a.recall}, fallback rate ${a.fallbackRate})` : '') +
    `\nreport: ${base}.html\n`,
);

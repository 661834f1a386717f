// Compliance layer benchmark: `npm run bench:compliance` → bench/results/compliance.json.
// - throughput (sentences/s, one core: this process's main thread) and p99 per sentence for the
//   whole layer (normalise + Aho-Corasick match + PII + policy) on realistic zh/en sentences:
//   the sample scripts, the labelled suite, Banking77 test (en) and AFQMC dev (zh) customer texts;
// - lexicon build time at 50k patterns (and throughput with that lexicon);
// - per-category recall on the labelled suite (deterministic evasions, letter/homophone variants),
//   false-positive rate on its controls, and the flag rate on the natural customer sentences.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { parse } from 'csv-parse/sync';
import {
  ComplianceEngine,
  loadDefaultLexicon,
  loadDefaultPolicy,
  type ComplianceResult,
  type Direction,
  type LexiconDocument,
} from '@huashu/compliance';
import { percentile, writeResult } from './lib/results.js';

interface SuiteCase {
  direction: Direction;
  category: string;
  variant: string;
  family: string;
  text: string;
  verdict: string;
  spans: { category: string; start: number; end: number }[];
}

const root = process.cwd();
const seconds = Number(process.argv[2] ?? 4);
const datasets = join(root, '..', 'shared', 'datasets');

const suite = readFileSync(join(root, 'data/compliance/suite.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as SuiteCase);
const scripts = readFileSync(join(root, 'data/campaigns/default/scripts.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string }).text);
const csvColumn = (file: string, column: string, limit: number): string[] => {
  if (!existsSync(file)) return [];
  const rows = parse<Record<string, string>>(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true });
  return rows.slice(0, limit).map((r) => r[column]);
};
const banking = csvColumn(join(datasets, 'banking77/test.csv'), 'text', 3080);
const afqmc = csvColumn(join(datasets, 'afqmc/dev.csv'), 'sentence1', 3000);

const lexicon = loadDefaultLexicon();
const policy = loadDefaultPolicy();

function buildTimed(doc: LexiconDocument): { engine: ComplianceEngine; ms: number } {
  const t = performance.now();
  const engine = new ComplianceEngine(doc);
  return { engine, ms: performance.now() - t };
}

/** Throughput over `seconds` (whole-loop timing) and per-sentence latency (a separate pass). */
function measure(engine: ComplianceEngine, sentences: { text: string; direction: Direction }[], label: string) {
  for (let i = 0; i < 3; i++) for (const s of sentences) engine.check(s.text, s.direction, policy); // warm-up
  const bar = new SingleBar(
    { format: `${label} |{bar}| {percentage}%`, clearOnComplete: true },
    Presets.shades_classic,
  );
  bar.start(100, 0);
  let count = 0;
  // CPU time of this (single-threaded) process next to wall time: on a shared machine the wall
  // clock also counts the time other processes held the core.
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let now = start;
  let sink = 0;
  while (now - start < seconds * 1000) {
    for (const s of sentences) sink += engine.check(s.text, s.direction, policy).hits.length;
    count += sentences.length;
    now = performance.now();
    bar.update(Math.min(100, Math.round(((now - start) / (seconds * 1000)) * 100)));
  }
  const cpu = process.cpuUsage(cpu0);
  bar.stop();
  const perSentence: number[] = [];
  for (let r = 0; r < 5; r++)
    for (const s of sentences) {
      const t = performance.now();
      engine.check(s.text, s.direction, policy);
      perSentence.push((performance.now() - t) * 1000);
    }
  perSentence.sort((a, b) => a - b);
  return {
    sentences: sentences.length,
    meanChars: +(sentences.reduce((n, s) => n + s.text.length, 0) / sentences.length).toFixed(1),
    sentencesPerSecond: Math.round(count / ((now - start) / 1000)),
    sentencesPerCpuSecond: Math.round(count / ((cpu.user + cpu.system) / 1e6)),
    latencyMicros: {
      p50: +percentile(perSentence, 50).toFixed(1),
      p99: +percentile(perSentence, 99).toFixed(1),
      max: +perSentence[perSentence.length - 1].toFixed(1),
    },
    checksum: sink,
  };
}

// Deterministic synthetic lexicon of 50k patterns: 2-6 common Han characters or Latin words.
function syntheticLexicon(n: number): LexiconDocument {
  const han =
    '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从'.split(
      '',
    );
  const latin =
    'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(
      ' ',
    );
  // mulberry32: a tiny seeded PRNG, so the lexicon is the same on every run.
  let seed = 42;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const patterns = new Set<string>();
  while (patterns.size < n) {
    if (rand() < 0.8) {
      const len = 2 + Math.floor(rand() * 5);
      let p = '';
      for (let i = 0; i < len; i++) p += han[Math.floor(rand() * han.length)];
      patterns.add(p);
    } else
      patterns.add(
        `${latin[Math.floor(rand() * latin.length)]} ${latin[Math.floor(rand() * latin.length)]}${Math.floor(rand() * 100)}`,
      );
  }
  return {
    ...lexicon,
    categories: {
      ...lexicon.categories,
      synthetic: {
        negatable: false,
        patterns: [...patterns],
        clauseEnd: [],
        wholeClause: [],
        exceptions: [],
        subjects: [],
        pronouns: [],
        otherReferents: [],
      },
    },
  };
}

function quality(engine: ComplianceEngine) {
  const found = (c: SuiteCase, r: ComplianceResult) =>
    c.spans.every((s) => r.hits.some((h) => h.category === s.category && h.start < s.end && h.end > s.start));
  const recall: Record<string, { deterministic?: number; variant?: number; pii?: number; cases: number }> = {};
  const tally = new Map<string, { n: number; ok: number }>();
  for (const c of suite) {
    if (c.family === 'control' || c.spans.length === 0) continue;
    const r = engine.check(c.text, c.direction, policy);
    const k = `${c.category}|${c.family}`;
    const t = tally.get(k) ?? { n: 0, ok: 0 };
    t.n++;
    if (found(c, r) && r.verdict === c.verdict) t.ok++;
    tally.set(k, t);
  }
  for (const [k, t] of tally) {
    const [category, family] = k.split('|') as [string, 'deterministic' | 'variant' | 'pii'];
    recall[category] ??= { cases: 0 };
    recall[category][family] = +(t.ok / t.n).toFixed(4);
    recall[category].cases += t.n;
  }
  const familyRecall = (family: string) => {
    const cs = [...tally].filter(([k]) => k.endsWith(`|${family}`)).map(([, t]) => t);
    const n = cs.reduce((a, t) => a + t.n, 0);
    return { cases: n, recall: +(cs.reduce((a, t) => a + t.ok, 0) / n).toFixed(4) };
  };
  const controls = suite.filter((c) => c.family === 'control' || (c.family === 'pii' && c.spans.length === 0));
  const fps = controls.filter((c) => {
    const r = engine.check(c.text, c.direction, policy);
    return r.verdict !== c.verdict || r.hits.length > 0;
  });
  const natural = [...banking, ...afqmc];
  const flagged = natural.filter((t) => engine.check(t, 'output', policy).verdict !== 'allow');
  return {
    recallByCategory: recall,
    deterministicEvasions: familyRecall('deterministic'),
    letterHomophoneVariants: familyRecall('variant'),
    piiTrueAndChecksumCases: familyRecall('pii'),
    controls: {
      cases: controls.length,
      falsePositives: fps.length,
      fpRate: +(fps.length / controls.length).toFixed(4),
      examples: fps.slice(0, 5).map((c) => c.text),
    },
    naturalCustomerSentences: {
      note: 'Banking77 test + AFQMC dev customer texts screened as output; not labelled, so an upper bound of the FP rate',
      sentences: natural.length,
      notAllowed: flagged.length,
      rate: +(flagged.length / Math.max(1, natural.length)).toFixed(4),
      examples: flagged.slice(0, 8),
    },
  };
}

function main(): void {
  const sentences = [
    ...scripts.map((text) => ({ text, direction: 'output' as const })),
    ...suite.map((c) => ({ text: c.text, direction: c.direction })),
    ...banking.slice(0, 1500).map((text) => ({ text, direction: 'input' as const })),
    ...afqmc.slice(0, 1500).map((text) => ({ text, direction: 'input' as const })),
  ];
  const builds = [0, 1, 2].map(() => buildTimed(lexicon));
  const engine = builds[0].engine;
  const base = measure(engine, sentences, 'default lexicon');
  const big = syntheticLexicon(50_000);
  const bigBuilds = [0, 1, 2].map(() => buildTimed(big));
  const bigRun = measure(bigBuilds[0].engine, sentences, '50k lexicon');
  const q = quality(engine);
  const targets = {
    sentencesPerSecond: { target: 20_000, measured: base.sentencesPerSecond, met: base.sentencesPerSecond >= 20_000 },
    sentencesPerCpuSecond: {
      target: 20_000,
      measured: base.sentencesPerCpuSecond,
      met: base.sentencesPerCpuSecond >= 20_000,
    },
    p99Micros: { target: 1000, measured: base.latencyMicros.p99, met: base.latencyMicros.p99 <= 1000 },
    deterministicRecall: {
      target: 0.99,
      measured: q.deterministicEvasions.recall,
      met: q.deterministicEvasions.recall >= 0.99,
    },
    variantRecall: {
      target: 0.85,
      measured: q.letterHomophoneVariants.recall,
      met: q.letterHomophoneVariants.recall >= 0.85,
    },
    controlFpRate: { target: 0.005, measured: q.controls.fpRate, met: q.controls.fpRate <= 0.005 },
  };
  const file = writeResult('compliance', {
    command: 'npm run bench:compliance',
    secondsPerRun: seconds,
    corpus: {
      scripts: scripts.length,
      suite: suite.length,
      banking77: Math.min(1500, banking.length),
      afqmc: Math.min(1500, afqmc.length),
    },
    defaultLexicon: {
      patterns: engine.matcher.patternCount,
      buildMs: +Math.min(...builds.map((b) => b.ms)).toFixed(1),
      ...base,
    },
    lexicon50k: {
      patterns: bigBuilds[0].engine.matcher.patternCount,
      buildMs: {
        min: +Math.min(...bigBuilds.map((b) => b.ms)).toFixed(0),
        max: +Math.max(...bigBuilds.map((b) => b.ms)).toFixed(0),
      },
      ...bigRun,
    },
    quality: q,
    targets,
  });
  writeFileSync(
    join(root, 'bench/results/compliance.html'),
    htmlReport(q.recallByCategory, targets, base.latencyMicros),
  );
  process.stdout.write(
    `${JSON.stringify({ targets, buildMs50k: Math.min(...bigBuilds.map((b) => b.ms)).toFixed(0) }, null, 2)}\n→ ${file}\n`,
  );
}

/** Self-contained HTML: recall per category and family as inline SVG bars, targets as a table. */
function htmlReport(
  recall: Record<string, Record<string, number>>,
  targets: Record<string, { target: number; measured: number; met: boolean }>,
  latency: Record<string, number>,
): string {
  const rows = Object.entries(recall).flatMap(([category, r]) =>
    ['deterministic', 'variant', 'pii']
      .filter((f) => r[f] !== undefined)
      .map((f) => ({ label: `${category} · ${f}`, value: r[f] })),
  );
  const barH = 22;
  const bars = rows
    .map((row, i) => {
      const w = Math.round(row.value * 400);
      const colour = row.value >= (row.label.endsWith('variant') ? 0.85 : 0.99) ? '#2e7d32' : '#c62828';
      return `<text x="0" y="${i * barH + 15}" font-size="12">${row.label}</text><rect x="260" y="${i * barH + 3}" width="${w}" height="16" fill="${colour}"/><text x="${266 + w}" y="${i * barH + 15}" font-size="12">${(row.value * 100).toFixed(1)}%</text>`;
    })
    .join('');
  const table = Object.entries(targets)
    .map(([k, t]) => `<tr><td>${k}</td><td>${t.target}</td><td>${t.measured}</td><td>${t.met ? '✅' : '❌'}</td></tr>`)
    .join('');
  return `<!doctype html><meta charset="utf-8"><title>huashu compliance benchmark</title>
<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 10px;border-bottom:1px solid #ddd}</style>
<h1>Compliance layer</h1><p>npm run bench:compliance — ${new Date().toISOString()}</p>
<h2>Targets</h2><table><tr><th>figure</th><th>target</th><th>measured</th><th></th></tr>${table}</table>
<p>Latency per sentence (µs): p50 ${latency.p50}, p99 ${latency.p99}, max ${latency.max}</p>
<h2>Recall by category and family</h2>
<svg width="760" height="${rows.length * barH + 10}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>
`;
}

main();

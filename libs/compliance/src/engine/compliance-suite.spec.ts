import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComplianceEngine } from './compliance-engine.js';
import { findComplianceDataDir, loadDefaultLexicon } from './lexicon.js';
import { loadDefaultPolicy } from './policy.js';
import type { Direction, Verdict } from '../compliance.port.js';

// The labelled suite (data/compliance/suite.jsonl) against the shipped lexicon and policy.
interface SuiteCase {
  id: string;
  direction: Direction;
  category: string;
  variant: string;
  family: 'deterministic' | 'variant' | 'control' | 'pii';
  text: string;
  verdict: Verdict;
  spans: { category: string; match: string; start: number; end: number }[];
}

const dataDir = findComplianceDataDir();
const suite: SuiteCase[] = readFileSync(join(dataDir, 'suite.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as SuiteCase);
const lexicon = loadDefaultLexicon();
const policy = loadDefaultPolicy();
const engine = new ComplianceEngine(lexicon);

const key = (h: { category: string; start: number; end: number }) => `${h.category}@${h.start}-${h.end}`;
const exact = (e: ComplianceEngine, c: SuiteCase): boolean => {
  const r = e.check(c.text, c.direction, policy);
  return r.verdict === c.verdict && r.hits.map(key).sort().join() === c.spans.map(key).sort().join();
};
/** Recall: the expected category found overlapping the expected span. */
const detected = (e: ComplianceEngine, c: SuiteCase): boolean =>
  c.spans.every((s) => e.scan(c.text).some((h) => h.category === s.category && h.start < s.end && h.end > s.start));

describe('labelled compliance suite', () => {
  it('has every family and each case is consistent with its text', () => {
    expect(suite.length).toBeGreaterThan(900);
    for (const family of ['deterministic', 'variant', 'control', 'pii'])
      expect(suite.some((c) => c.family === family)).toBe(true);
    for (const c of suite) for (const s of c.spans) expect(c.text.slice(s.start, s.end)).toBe(s.match);
  });

  it.each(['deterministic', 'pii'] as const)('%s cases: exact verdict and spans, every one', (family) => {
    const failed = suite.filter((c) => c.family === family && !exact(engine, c)).map((c) => c.id);
    expect(failed).toEqual([]);
  });

  it('letter/homophone variants: recall ≥ 0.85 (listed and unlisted variants)', () => {
    const cases = suite.filter((c) => c.family === 'variant');
    const recall = cases.filter((c) => detected(engine, c)).length / cases.length;
    expect(recall).toBeGreaterThanOrEqual(0.85);
    // Unlisted variants exist in the suite, so the figure is not 1 by construction.
    expect(cases.some((c) => c.variant === 'unlisted' && !detected(engine, c))).toBe(true);
  });

  it('false-positive controls and disclosures: FP rate ≤ 0.5%', () => {
    const controls = suite.filter((c) => c.family === 'control');
    const fps = controls.filter((c) => !exact(engine, c)).map((c) => c.text);
    expect(fps.length / controls.length).toBeLessThanOrEqual(0.005);
  });

  it('mutation: removing a category from the lexicon makes every one of its cases fail', () => {
    for (const category of Object.keys(lexicon.categories)) {
      const cases = suite.filter((c) => c.category === category && c.family !== 'control');
      expect(cases.length).toBeGreaterThan(0);
      const { [category]: _removed, ...rest } = lexicon.categories;
      const mutant = new ComplianceEngine({ ...lexicon, categories: rest });
      const stillPassing = cases.filter((c) => exact(mutant, c) || detected(mutant, c)).map((c) => c.id);
      expect({ category, stillPassing }).toEqual({ category, stillPassing: [] });
    }
  });
});

describe('sample script library', () => {
  // Every approved script the sample campaigns ship must pass output screening untouched.
  const campaignsDir = join(dataDir, '..', 'campaigns');
  const texts: { file: string; text: string }[] = [];
  const collect = (value: unknown, file: string): void => {
    if (Array.isArray(value)) value.forEach((v) => collect(v, file));
    else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.text === 'string' && typeof o.id === 'string') texts.push({ file, text: o.text });
      Object.values(o).forEach((v) => collect(v, file));
    }
  };
  for (const file of listFiles(campaignsDir)) {
    const raw = readFileSync(file, 'utf8');
    if (file.endsWith('.jsonl'))
      raw
        .split('\n')
        .filter(Boolean)
        .forEach((l) => collect(JSON.parse(l), file));
    else if (file.endsWith('.json')) collect(JSON.parse(raw), file);
  }

  it('finds the scripts', () => {
    expect(texts.length).toBeGreaterThan(0);
  });

  it('every script is allowed on direction output', () => {
    const blocked = texts
      .map((t) => ({ ...t, result: engine.check(t.text, 'output', policy) }))
      .filter((t) => t.result.verdict !== 'allow')
      .map((t) => ({ text: t.text, hits: t.result.hits }));
    expect(blocked).toEqual([]);
  });
});

function listFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

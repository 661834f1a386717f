import { SeededRng } from '@huashu/ml';
import { languageOf } from '../corpus/corpus.loader.js';

/**
 * Seeded stratified split: within each stratum (e.g. label × language) examples are shuffled and
 * dealt into parts by the given fractions, so every label keeps its share in every part.
 */
export function stratifiedSplit<T>(items: T[], stratum: (t: T) => string, fractions: number[], seed: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const k = stratum(it);
    const g = groups.get(k);
    if (g) g.push(it);
    else groups.set(k, [it]);
  }
  const parts: T[][] = fractions.map(() => []);
  const rng = new SeededRng(seed);
  for (const key of [...groups.keys()].sort()) {
    const g = rng.shuffle([...groups.get(key)!]);
    let start = 0;
    fractions.forEach((f, i) => {
      const end = i === fractions.length - 1 ? g.length : start + Math.round(f * g.length);
      parts[i].push(...g.slice(start, end));
      start = end;
    });
  }
  return parts;
}

/**
 * The shipped recipe's split of the project corpus: 70/15/15 train/validation/test, stratified by
 * intent × language, seeded. Every tool that needs the held-out test split of the shipped model
 * (intent:train, intent:eval, intent-examples:sweep) takes it from here.
 */
export function splitCorpus<T extends { text: string; label: string }>(examples: T[], seed: number): [T[], T[], T[]] {
  const [train, validation, test] = stratifiedSplit(
    examples,
    (e) => `${e.label}|${languageOf(e.text)}`,
    [0.7, 0.15, 0.15],
    seed,
  );
  return [train, validation, test];
}

/** Seeded choice of a fixed share of labels (the held-out "unseen intents" of the OOS protocol). */
export function holdOutLabels(labels: string[], share: number, seed: number): Set<string> {
  const rng = new SeededRng(seed);
  const shuffled = rng.shuffle([...labels].sort());
  return new Set(shuffled.slice(0, Math.round(share * labels.length)));
}

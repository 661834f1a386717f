import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isReservedScript } from '@huashu/common';
import { fnv1a32 } from '@huashu/ml';
import { parse as parseYaml } from 'yaml';

export const PARAPHRASE_LANGS = ['zh', 'en'] as const;
export type ParaphraseLang = (typeof PARAPHRASE_LANGS)[number];

/** Texts that mean the same, plus hard negatives (close in wording, different in meaning). */
export interface ParaphraseGroup {
  lang: ParaphraseLang;
  texts: string[];
  negatives: string[];
}

/** An utterance of the intent corpus (weak supervision: same intent ≈ similar meaning). */
export interface IntentExample {
  text: string;
  intent: string;
  /** The file it came from (one file per language), so groups stay within a language. */
  source: string;
}

/**
 * Every file the training read, hashed together with what it read of each (`hashFiles`), so metadata
 * names the exact data.
 */
export interface CorpusFiles {
  files: string[];
  sha256: string;
}

/** Share of paraphrase groups held out from training for evaluation (by a hash of the first text). */
export const HELD_OUT_MODULUS = 5;

/**
 * Parse `data/paraphrases/<lang>.txt`: one group a line, paraphrases separated by " | ", hard
 * negatives after " !! "; `#` starts a comment line. A line with fewer than two paraphrases is an
 * error (a group must pair).
 */
export function parseParaphrases(text: string, lang: ParaphraseLang): ParaphraseGroup[] {
  const groups: ParaphraseGroup[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [pos, neg = ''] = line.split('!!');
    const split = (s: string): string[] =>
      s
        .split('|')
        .map((t) => t.trim())
        .filter((t) => t !== '');
    const texts = split(pos);
    if (texts.length < 2) throw new Error(`${lang}.txt line ${i + 1}: a group needs at least two paraphrases`);
    groups.push({ lang, texts, negatives: split(neg) });
  });
  return groups;
}

/** Held out (evaluation only) when the hash of the group's first text falls in one of five buckets. */
export const isHeldOut = (g: ParaphraseGroup): boolean => fnv1a32(g.texts[0]) % HELD_OUT_MODULUS === 0;

export function loadParaphrases(dataDir: string): { groups: ParaphraseGroup[]; files: string[] } {
  const groups: ParaphraseGroup[] = [];
  const files: string[] = [];
  for (const lang of PARAPHRASE_LANGS) {
    const file = join(dataDir, 'paraphrases', `${lang}.txt`);
    groups.push(...parseParaphrases(readFileSync(file, 'utf8'), lang));
    files.push(file);
  }
  return { groups, files };
}

/** Files under a directory, recursively, sorted (so hashes and orders never depend on the file system). */
function walk(dir: string, exts: string[]): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, exts));
    else if (exts.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

function parseAny(file: string, text = readFileSync(file, 'utf8')): unknown[] {
  if (file.endsWith('.jsonl')) {
    return text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
  }
  return [file.endsWith('.json') ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown)];
}

/** Visit every object inside parsed JSON/YAML values, but those `skip` says to leave out (and what they hold). */
function visitObjects(
  values: unknown[],
  fn: (o: Record<string, unknown>) => void,
  skip: (o: Record<string, unknown>) => boolean = () => false,
): void {
  const stack = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (skip(o)) continue;
      fn(o);
      stack.push(...Object.values(o));
    }
  }
}

/**
 * The intent corpus (`data/intents/`: YAML `intent: [utterances]`, or JSONL/JSON objects with
 * `text` and `intent`), when present: used as weak positives at training time.
 */
export function loadIntentExamples(dataDir: string): { examples: IntentExample[]; files: string[] } {
  const files = walk(join(dataDir, 'intents'), ['.jsonl', '.json', '.yaml', '.yml']);
  const examples: IntentExample[] = [];
  for (const f of files) {
    visitObjects(parseAny(f), (o) => {
      const intent = o.intent ?? o.label;
      if (typeof o.text === 'string' && typeof intent === 'string') examples.push({ text: o.text, intent, source: f });
      // The YAML form: `intent_name: [utterance, …]`.
      for (const [key, value] of Object.entries(o)) {
        if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
          for (const text of value) examples.push({ text, intent: key, source: f });
        }
      }
    });
  }
  return { examples, files };
}

/**
 * What training reads of a scripts file: a JSONL file less the lines of its reserved scripts (the
 * confirmation questions, the abuse calming lines, the AI disclosures: `isReservedScript`, never a
 * match target, so nothing the encoder should learn to land on), byte for byte otherwise; a JSON/YAML file whole (its reserved
 * scripts are skipped when parsed). The data hash is taken over this, so adding a reserved script to a
 * library leaves the model and its metadata as they were, truthfully: the model was trained on the same data.
 */
function scriptFileContent(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.jsonl')) return text;
  return text
    .split(/(?<=\n)/)
    .filter((line) => line.trim() === '' || !isReservedScript(JSON.parse(line) as { tags?: unknown }))
    .join('');
}

/**
 * Texts of the sample scripts (`data/campaigns/<id>/scripts*.{jsonl,json,yaml}`, any object with a
 * string `text`), when present, but the reserved scripts (`scriptFileContent`). Other campaign
 * files are left out on purpose: the labelled threshold pairs there evaluate matching and must never
 * be trained on. `contents`: what was read of each file, for `hashFiles`.
 */
export function loadScriptTexts(dataDir: string): {
  texts: string[];
  files: string[];
  contents: Map<string, string>;
} {
  const files = walk(join(dataDir, 'campaigns'), ['.jsonl', '.json', '.yaml', '.yml']).filter((f) =>
    basename(f).startsWith('scripts'),
  );
  const texts = new Set<string>();
  const contents = new Map<string, string>();
  for (const f of files) {
    const content = scriptFileContent(f);
    contents.set(f, content);
    visitObjects(
      parseAny(f, content),
      (o) => {
        if (typeof o.text === 'string' && o.text.trim() !== '') texts.add(o.text);
      },
      isReservedScript,
    );
  }
  return { texts: [...texts].sort(), files, contents };
}

/**
 * SHA-256 over the files' paths (relative to `root`) and contents, in sorted order; `contents` gives
 * what training read of a file where that is not all of it (`scriptFileContent`).
 */
export function hashFiles(
  files: string[],
  root: string,
  contents: ReadonlyMap<string, string> = new Map(),
): CorpusFiles {
  const entries = files
    .map((file) => ({ file, rel: relative(root, file).split('\\').join('/') }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const h = createHash('sha256');
  for (const { file, rel } of entries)
    h.update(rel)
      .update('\0')
      .update(contents.get(file) ?? readFileSync(join(root, rel)))
      .update('\0');
  return { files: entries.map((e) => e.rel), sha256: h.digest('hex') };
}

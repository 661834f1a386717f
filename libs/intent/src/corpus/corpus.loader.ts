import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { normaliseText } from '@huashu/ml';
import { isIntentName } from '../intents.js';

/** One labelled utterance and where it came from (for error messages and language splits). */
export interface LabelledExample {
  text: string;
  label: string;
  /** File name it came from (e.g. zh.yaml). */
  source: string;
  line: number;
}

/** A problem in a corpus file, with its 1-based line. */
export interface CorpusProblem {
  source: string;
  line: number;
  message: string;
}

/** The corpus did not load: every problem found, each with file and line. */
export class CorpusError extends Error {
  constructor(readonly problems: CorpusProblem[]) {
    super(
      `invalid intent corpus (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems
          .slice(0, 50)
          .map((p) => `  ${p.source}:${p.line}: ${p.message}`)
          .join('\n'),
    );
    this.name = 'CorpusError';
  }
}

export interface LoadOptions {
  /** `intents`: labels must be binding intent names (the shipped model); `any`: free labels (public data sets). */
  labels?: 'intents' | 'any';
  /** Largest utterance accepted, in characters. */
  maxLength?: number;
  /** `reject` (default, own corpora) or `keep` (public data sets that contain a few repeats). */
  duplicates?: 'reject' | 'keep';
}

const MAX_LENGTH = 500;

/**
 * Parse the YAML corpus format: a mapping from intent name to a list of utterances.
 * Rejects unknown intents, empty or non-string entries, over-long entries and duplicates
 * (after normalisation), naming the line of each.
 */
export function parseYamlCorpus(text: string, source: string, opts: LoadOptions = {}): LabelledExample[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problems: CorpusProblem[] = doc.errors.map((e) => ({
    source,
    line: lines.linePos(e.pos[0]).line,
    message: e.message.split('\n')[0],
  }));
  const lineOf = (node: unknown): number =>
    typeof node === 'object' && node !== null && 'range' in node && Array.isArray(node.range)
      ? lines.linePos(Number(node.range[0])).line
      : 1;
  const out: LabelledExample[] = [];
  if (problems.length === 0) {
    if (!isMap(doc.contents)) {
      problems.push({ source, line: 1, message: 'expected a mapping of intent name → list of utterances' });
    } else {
      for (const pair of doc.contents.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const keyLine = lineOf(pair.key);
        if (!checkLabel(key, opts)) {
          problems.push({ source, line: keyLine, message: `unknown intent "${key}"` });
          continue;
        }
        if (!isSeq(pair.value)) {
          problems.push({ source, line: keyLine, message: `intent "${key}" must hold a list of utterances` });
          continue;
        }
        for (const item of pair.value.items) {
          const line = lineOf(item);
          if (!isScalar(item) || typeof item.value !== 'string') {
            const empty = isScalar(item) && (item.value === null || item.value === '');
            const hint = isScalar(item) ? ` (quote it: "${String(item.value)}")` : '';
            problems.push({ source, line, message: empty ? 'empty utterance' : `utterance must be a string${hint}` });
            continue;
          }
          out.push({ text: item.value, label: key, source, line });
        }
      }
    }
  }
  return finish(out, problems, opts);
}

/** Parse `text,label` CSV (a header row naming the columns; `category` or `intent` also accepted). */
export function parseCsvCorpus(text: string, source: string, opts: LoadOptions = {}): LabelledExample[] {
  const problems: CorpusProblem[] = [];
  let rows: string[][];
  try {
    const parsed: unknown = parseCsv(text, { relax_column_count: true, skip_empty_lines: false, bom: true });
    rows = parsed as string[][];
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new CorpusError([{ source, line: err.lines ?? 1, message: err.message }]);
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const textCol = header.indexOf('text');
  const labelCol = ['label', 'intent', 'category'].map((h) => header.indexOf(h)).find((i) => i >= 0) ?? -1;
  if (textCol < 0 || labelCol < 0) {
    throw new CorpusError([{ source, line: 1, message: 'header must name a "text" and a "label" column' }]);
  }
  const out: LabelledExample[] = [];
  // csv-parse gives records, not lines; quoted fields may span lines, so count newlines as we go.
  let line = 1;
  const recordLines = lineNumbersOfRecords(text);
  rows.slice(1).forEach((row, i) => {
    line = recordLines[i + 1] ?? line + 1;
    if (row.length === 1 && row[0] === '') {
      problems.push({ source, line, message: 'empty line' });
      return;
    }
    const t = row[textCol];
    const l = row[labelCol]?.trim() ?? '';
    if (t === undefined || t.trim() === '') problems.push({ source, line, message: 'empty utterance' });
    else if (!checkLabel(l, opts)) problems.push({ source, line, message: `unknown intent "${l}"` });
    else out.push({ text: t, label: l, source, line });
  });
  return finish(out, problems, opts);
}

/** Parse JSON Lines: one `{"text": "...", "label": "..."}` (or `intent`) object per line. */
export function parseJsonlCorpus(text: string, source: string, opts: LoadOptions = {}): LabelledExample[] {
  const problems: CorpusProblem[] = [];
  const out: LabelledExample[] = [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') {
      problems.push({ source, line, message: 'empty line' });
      return;
    }
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch {
      problems.push({ source, line, message: 'not valid JSON' });
      return;
    }
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) {
      problems.push({ source, line, message: 'expected an object {"text", "label"}' });
      return;
    }
    const r = rec as Record<string, unknown>;
    const t = r.text ?? r.query;
    const l = r.label ?? r.intent;
    if (typeof t !== 'string' || t.trim() === '') problems.push({ source, line, message: 'missing or empty "text"' });
    else if (typeof l !== 'string' || !checkLabel(l, opts)) {
      problems.push({ source, line, message: `unknown intent "${String(l)}"` });
    } else out.push({ text: t, label: l, source, line });
  });
  return finish(out, problems, opts);
}

/** Parse one corpus file by extension (.yaml/.yml, .csv, .jsonl). */
export function parseCorpusFile(path: string, opts: LoadOptions = {}): LabelledExample[] {
  const text = readFileSync(path, 'utf8');
  const source = basename(path);
  switch (extname(path).toLowerCase()) {
    case '.yaml':
    case '.yml':
      return parseYamlCorpus(text, source, opts);
    case '.csv':
      return parseCsvCorpus(text, source, opts);
    case '.jsonl':
    case '.ndjson':
      return parseJsonlCorpus(text, source, opts);
    default:
      throw new CorpusError([{ source, line: 1, message: 'unsupported corpus format (use .yaml, .csv or .jsonl)' }]);
  }
}

/** A loaded corpus: examples in file order, the files and the SHA-256 of their bytes. */
export interface Corpus {
  examples: LabelledExample[];
  files: string[];
  sha256: string;
}

const CORPUS_EXTENSIONS = new Set(['.yaml', '.yml', '.csv', '.jsonl', '.ndjson']);

/**
 * Load every corpus file of a directory (sorted by name, so the order and hash are stable) and
 * reject duplicates across files too.
 */
export function loadCorpusDir(dir: string, opts: LoadOptions = {}): Corpus {
  const files = readdirSync(dir)
    .filter((f) => CORPUS_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  return loadCorpusFiles(
    files.map((f) => join(dir, f)),
    opts,
  );
}

export function loadCorpusFiles(paths: string[], opts: LoadOptions = {}): Corpus {
  const hash = createHash('sha256');
  const examples: LabelledExample[] = [];
  const problems: CorpusProblem[] = [];
  for (const p of paths) {
    const bytes = readFileSync(p);
    hash.update(basename(p)).update('\0').update(bytes).update('\0');
    try {
      examples.push(...parseCorpusFile(p, opts));
    } catch (e) {
      if (e instanceof CorpusError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (opts.duplicates !== 'keep') problems.push(...duplicateProblems(examples));
  if (problems.length > 0) throw new CorpusError(problems);
  return { examples, files: paths.map((p) => basename(p)), sha256: hash.digest('hex') };
}

function checkLabel(label: string, opts: LoadOptions): boolean {
  if (label === '') return false;
  return opts.labels === 'any' ? true : isIntentName(label);
}

function finish(out: LabelledExample[], problems: CorpusProblem[], opts: LoadOptions): LabelledExample[] {
  const max = opts.maxLength ?? MAX_LENGTH;
  for (const ex of out) {
    if (ex.text.length > max)
      problems.push({ source: ex.source, line: ex.line, message: `utterance longer than ${max} characters` });
    else if (normaliseText(ex.text) === '')
      problems.push({ source: ex.source, line: ex.line, message: 'empty utterance' });
  }
  if (opts.duplicates !== 'keep') problems.push(...duplicateProblems(out));
  if (problems.length > 0) throw new CorpusError(problems.sort((a, b) => a.line - b.line));
  return out;
}

function duplicateProblems(examples: LabelledExample[]): CorpusProblem[] {
  const seen = new Map<string, LabelledExample>();
  const problems: CorpusProblem[] = [];
  for (const ex of examples) {
    const key = normaliseText(ex.text);
    const first = seen.get(key);
    if (first) {
      problems.push({
        source: ex.source,
        line: ex.line,
        message: `duplicate of ${first.source}:${first.line} ("${first.text}"${first.label === ex.label ? '' : `, labelled ${first.label}`})`,
      });
    } else seen.set(key, ex);
  }
  return problems;
}

/** Line number of the start of each CSV record (quoted fields may contain newlines). */
function lineNumbersOfRecords(text: string): number[] {
  const starts: number[] = [1];
  let line = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n') {
      line++;
      if (!quoted && i + 1 < text.length) starts.push(line);
    }
  }
  return starts;
}

/** Language of an utterance for stratified splits and reports: any CJK character → zh. */
export const languageOf = (text: string): 'zh' | 'en' => (/\p{Script=Han}/u.test(text) ? 'zh' : 'en');

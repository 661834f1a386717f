// Runs the compliance engine (default lexicon and policy) over every text the project holds and
// either writes the results or compares them with an earlier run, so a change to the engine or
// the lexicon shows every text whose result it changes:
//   npx tsx scripts/compliance/compare-verdicts.ts --out tmp/verdicts-before.jsonl   (on the old code)
//   npx tsx scripts/compliance/compare-verdicts.ts --against tmp/verdicts-before.jsonl
// (--datasets DIR when the public datasets are not in ../shared/datasets, e.g. an old checkout elsewhere)
// Texts: every "text"/"customer"/"reply" string under data/campaigns and data/dialogues, the intent
// corpus and probes, the paraphrases, the labelled suite, and, when ../shared/datasets is there,
// Banking77 train+test, AFQMC train+dev (both sentences) and KUAKE-QIC train+dev. A result is the
// output verdict and the hits (category and matched text); approved scripts are also checked on
// input. Exit code 0 always: the diff is for a person to read.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { ComplianceEngine, loadDefaultLexicon, loadDefaultPolicy } from '@huashu/compliance';

interface Row {
  source: string;
  text: string;
  result: string;
}

const { values } = parseArgs({
  options: { out: { type: 'string' }, against: { type: 'string' }, datasets: { type: 'string' } },
});
const root = process.cwd();
const datasets = values.datasets ?? join(root, '..', 'shared', 'datasets');

function* strings(value: unknown, keys: ReadonlySet<string>): Generator<string> {
  if (Array.isArray(value)) for (const v of value) yield* strings(v, keys);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && keys.has(k)) yield v;
      else yield* strings(v, keys);
    }
}

function jsonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFiles(join(dir, e.name)) : /\.jsonl?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}
const readJsonValues = (file: string): unknown[] =>
  file.endsWith('.jsonl')
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as unknown)
    : [JSON.parse(readFileSync(file, 'utf8')) as unknown];
const csvColumns = (file: string, columns: string[]): string[] =>
  existsSync(file)
    ? parseCsv<Record<string, string>>(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }).flatMap(
        (r) => columns.map((c) => r[c]).filter(Boolean),
      )
    : [];

function collect(): { source: string; text: string }[] {
  const out: { source: string; text: string }[] = [];
  const add = (source: string, texts: Iterable<string>) => {
    for (const text of texts) out.push({ source, text });
  };
  const textKeys = new Set(['text', 'customer', 'reply', 'query']);
  for (const dir of ['data/campaigns', 'data/dialogues'])
    for (const file of jsonFiles(join(root, dir)))
      add(
        file.slice(root.length + 1),
        readJsonValues(file).flatMap((v) => [...strings(v, textKeys)]),
      );
  for (const dir of ['data/intents', 'data/intent-probe'])
    for (const lang of ['zh', 'en']) {
      const doc = parseYaml(readFileSync(join(root, dir, `${lang}.yaml`), 'utf8')) as Record<string, string[]>;
      add(`${dir}/${lang}.yaml`, Object.values(doc).flat());
    }
  for (const lang of ['zh', 'en'])
    add(
      `data/paraphrases/${lang}.txt`,
      readFileSync(join(root, 'data/paraphrases', `${lang}.txt`), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .flatMap((l) => l.split(/\s*(?:\||!!)\s*/))
        .filter(Boolean),
    );
  add(
    'data/compliance/suite.jsonl',
    readJsonValues(join(root, 'data/compliance/suite.jsonl')).map((c) => (c as { text: string }).text),
  );
  for (const split of ['train', 'test'])
    add(`banking77/${split}`, csvColumns(join(datasets, 'banking77', `${split}.csv`), ['text']));
  for (const split of ['train', 'dev'])
    add(`afqmc/${split}`, csvColumns(join(datasets, 'afqmc', `${split}.csv`), ['sentence1', 'sentence2']));
  for (const split of ['train', 'dev']) {
    const file = join(datasets, 'kuake_qic', `KUAKE-QIC_${split}.json`);
    if (existsSync(file)) add(`kuake/${split}`, [...strings(JSON.parse(readFileSync(file, 'utf8')), textKeys)]);
  }
  return out;
}

const engine = new ComplianceEngine(loadDefaultLexicon());
const policy = loadDefaultPolicy();
const rows: Row[] = collect().map(({ source, text }) => {
  const r = engine.check(text, 'output', policy);
  const hits = r.hits.map((h) => `${h.category}:${h.match}`).join(' | ');
  return { source, text, result: `${r.verdict}${hits ? ` [${hits}]` : ''}` };
});

if (values.out) {
  writeFileSync(values.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  console.log(`${rows.length} texts → ${values.out}`);
}
if (values.against) {
  const key = (r: { source: string; text: string }) => `${r.source}\u0000${r.text}`;
  const verdict = (result: string) => result.split(' ')[0];
  const before = new Map<string, string>();
  for (const line of readFileSync(values.against, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as Row;
    before.set(key(r), r.result);
  }
  const changed = rows.flatMap((r) => {
    const b = before.get(key(r));
    return b !== undefined && b !== r.result ? [{ ...r, before: b }] : [];
  });
  const verdictChanged = changed.filter((r) => verdict(r.before) !== verdict(r.result));
  for (const r of changed) console.log(`${r.source}\t${r.text}\n    before: ${r.before}\n    after:  ${r.result}`);
  const unmatched = rows.filter((r) => !before.has(key(r))).length;
  console.log(
    `${rows.length} texts (${unmatched} not in the earlier run); result changed: ${changed.length}, output verdict changed: ${verdictChanged.length}`,
  );
}

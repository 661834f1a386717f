import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CorpusError,
  INTENT_NAMES,
  languageOf,
  loadCorpusDir,
  parseCsvCorpus,
  parseJsonlCorpus,
  parseYamlCorpus,
} from '@huashu/intent';

const problemsOf = (fn: () => unknown): { line: number; message: string }[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CorpusError) return e.problems.map(({ line, message }) => ({ line, message }));
    throw e;
  }
  throw new Error('expected a CorpusError');
};

describe('YAML corpus loader', () => {
  it('loads intents with their utterances and line numbers', () => {
    const ex = parseYamlCorpus('greeting:\n  - 喂你好\n  - hello there\nask_price:\n  - 多少钱\n', 't.yaml');
    expect(ex).toEqual([
      { text: '喂你好', label: 'greeting', source: 't.yaml', line: 2 },
      { text: 'hello there', label: 'greeting', source: 't.yaml', line: 3 },
      { text: '多少钱', label: 'ask_price', source: 't.yaml', line: 5 },
    ]);
  });

  it('rejects unknown intents, empty and non-string entries, naming each line', () => {
    const yaml = ['greeting:', '  - hi', '  -', '  - ""', '  - true', 'buy_stuff:', '  - give me', 'affirm: yes'].join(
      '\n',
    );
    expect(problemsOf(() => parseYamlCorpus(yaml, 'bad.yaml'))).toEqual([
      { line: 3, message: 'empty utterance' },
      { line: 4, message: 'empty utterance' },
      { line: 5, message: 'utterance must be a string (quote it: "true")' },
      { line: 6, message: 'unknown intent "buy_stuff"' },
      { line: 8, message: 'intent "affirm" must hold a list of utterances' },
    ]);
  });

  it('rejects duplicates after normalisation (case, full-width, digits, spaces), across intents too', () => {
    const yaml = 'greeting:\n  - Hello  there\nask_price:\n  - 多少钱 100\n  - hello there\n  - 多少钱 ２５\n';
    expect(problemsOf(() => parseYamlCorpus(yaml, 'dup.yaml'))).toEqual([
      { line: 5, message: 'duplicate of dup.yaml:2 ("Hello  there", labelled greeting)' },
      { line: 6, message: 'duplicate of dup.yaml:4 ("多少钱 100")' },
    ]);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(
      problemsOf(() => parseYamlCorpus('greeting:\n  - "unterminated\n', 's.yaml'))[0].line,
    ).toBeGreaterThanOrEqual(2);
    expect(problemsOf(() => parseYamlCorpus('greeting:\n  - hi\ngreeting:\n  - yo\n', 'k.yaml'))[0].line).toBe(3);
    expect(problemsOf(() => parseYamlCorpus('- just a list\n', 'l.yaml'))).toEqual([
      { line: 1, message: 'expected a mapping of intent name → list of utterances' },
    ]);
  });

  it('rejects over-long utterances', () => {
    expect(problemsOf(() => parseYamlCorpus(`greeting:\n  - ${'a'.repeat(501)}\n`, 'x.yaml'))).toEqual([
      { line: 2, message: 'utterance longer than 500 characters' },
    ]);
  });
});

describe('CSV and JSONL corpora', () => {
  it('reads text,label CSV with quoted commas and newlines, and free labels when asked', () => {
    const csv = 'text,category\n"hi, there",greeting\n"two\nlines",ask_price\nhow much,ask_price\n';
    expect(parseCsvCorpus(csv, 'a.csv').map((e) => [e.text, e.label, e.line])).toEqual([
      ['hi, there', 'greeting', 2],
      ['two\nlines', 'ask_price', 3],
      ['how much', 'ask_price', 5],
    ]);
    expect(parseCsvCorpus('text,label\ncard lost,lost_card\n', 'b.csv', { labels: 'any' })[0].label).toBe('lost_card');
  });

  it('rejects a CSV without the columns, with unknown intents and empty lines', () => {
    expect(problemsOf(() => parseCsvCorpus('utterance,x\nhi,greeting\n', 'c.csv'))).toEqual([
      { line: 1, message: 'header must name a "text" and a "label" column' },
    ]);
    expect(problemsOf(() => parseCsvCorpus('text,label\nhi,greeting\n\nyo,nope\n', 'c.csv'))).toEqual([
      { line: 3, message: 'empty line' },
      { line: 4, message: 'unknown intent "nope"' },
    ]);
  });

  it('reads JSONL and names the line of each bad record', () => {
    const ok = '{"text":"hi","label":"greeting"}\n{"text":"多少钱","intent":"ask_price"}\n';
    expect(parseJsonlCorpus(ok, 'a.jsonl').map((e) => e.label)).toEqual(['greeting', 'ask_price']);
    const bad =
      '{"text":"hi","label":"greeting"}\n\n{"text":\n[1]\n{"text":"","label":"greeting"}\n{"text":"x","label":"zzz"}\n';
    expect(problemsOf(() => parseJsonlCorpus(bad, 'b.jsonl'))).toEqual([
      { line: 2, message: 'empty line' },
      { line: 3, message: 'not valid JSON' },
      { line: 4, message: 'expected an object {"text", "label"}' },
      { line: 5, message: 'missing or empty "text"' },
      { line: 6, message: 'unknown intent "zzz"' },
    ]);
  });

  it('loads a directory of mixed formats in name order and rejects duplicates across files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'greeting:\n  - hello\n');
      writeFileSync(join(dir, 'b.csv'), 'text,label\nhow much,ask_price\n');
      writeFileSync(join(dir, 'c.jsonl'), '{"text":"Hello","label":"greeting"}\n');
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
      const e = problemsOf(() => loadCorpusDir(dir));
      expect(e).toEqual([{ line: 1, message: 'duplicate of a.yaml:2 ("hello")' }]);
      rmSync(join(dir, 'c.jsonl'));
      const corpus = loadCorpusDir(dir);
      expect(corpus.files).toEqual(['a.yaml', 'b.csv']);
      expect(corpus.sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the shipped corpus (data/intents)', () => {
  const corpus = loadCorpusDir('data/intents');

  it('has ≥60 utterances per intent per language and ≥300 out-of-scope per language', () => {
    const count = new Map<string, number>();
    for (const e of corpus.examples) {
      const lang = e.source.startsWith('zh') ? 'zh' : 'en';
      count.set(`${e.label}|${lang}`, (count.get(`${e.label}|${lang}`) ?? 0) + 1);
    }
    for (const intent of INTENT_NAMES) {
      for (const lang of ['zh', 'en']) {
        expect(count.get(`${intent}|${lang}`) ?? 0).toBeGreaterThanOrEqual(intent === 'out_of_scope' ? 300 : 60);
      }
    }
  });

  it('is mostly in the language of its file, with some code-switching', () => {
    const zh = corpus.examples.filter((e) => e.source === 'zh.yaml');
    const en = corpus.examples.filter((e) => e.source === 'en.yaml');
    expect(zh.filter((e) => languageOf(e.text) === 'zh').length / zh.length).toBeGreaterThan(0.9);
    expect(en.filter((e) => languageOf(e.text) === 'en').length / en.length).toBeGreaterThan(0.9);
    const mixed = corpus.examples.filter((e) => /\p{Script=Han}/u.test(e.text) && /[a-z]{2,}/i.test(e.text));
    expect(mixed.length).toBeGreaterThan(50);
  });
});

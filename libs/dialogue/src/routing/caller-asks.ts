import { COMPLIANCE_CATEGORIES, normalize, type ComplianceHit } from '@huashu/compliance';
import { coveredBy, FILLERS, onlySays } from './caller-goodbye.js';

/**
 * What a caller asks of the call itself rather than of the product (README "Repeat, hold on, can you
 * hear me"): the bot's last line again (`repeat`: 没听清, 再说一遍, "pardon?"), a moment's wait (`hold`:
 * 你等一下, "hold on"), or whether the line works (`line_check`: 喂？听得到吗, "can you hear me?").
 */
export const CALLER_ASKS = { repeat: 'repeat', hold: 'hold', lineCheck: 'line_check' } as const;
export type CallerAsk = (typeof CALLER_ASKS)[keyof typeof CALLER_ASKS];

/** The input screening categories of these requests (data/compliance/lexicons.yaml). */
const ASK_CATEGORIES = [
  COMPLIANCE_CATEGORIES.repeat_request,
  COMPLIANCE_CATEGORIES.hold_request,
  COMPLIANCE_CATEGORIES.line_check,
] as const;

/**
 * Words that carry nothing but politeness around such a request (不好意思，你能再说一遍吗; "sorry, could
 * you say that again please"; "hello? can you hear me?"), besides the goodbye's fillers. A closed class,
 * as there: anything else said (多少钱, 安装要多久) makes the turn a question, answered as one.
 */
const ASK_FILLERS: readonly (readonly number[])[] = [
  ...FILLERS,
  ...[
    ...['不好意思', '抱歉', '对不起', '麻烦', '麻烦你', '麻烦您', '请', '你', '您', '能', '能不能', '可不可以'],
    ...['吗', '呢', '刚才', '刚刚', '一下', '一遍', '我', '喂'],
    ...['me', 'please', 'could', 'can', 'would', 'you', 'i', 'again', 'hello', 'hi', 'just'],
  ].map((f) => normalize(f, 'match').cps),
];

/**
 * English words that ask for the line again, or for a wait, when said alone ("what?", "sorry?", "wait!"),
 * and mean something else in any longer sentence ("what does it cost", "sorry, I'm busy", "I can't
 * wait"). Not lexicon entries: a space ends a Latin clause, so a `wholeClause` entry would be a hit at
 * the start of every such sentence. Written as the normaliser folds them.
 */
const BARE_REPEATS: readonly (readonly number[])[] = ['what', 'sorry', 'excuse me', 'eh'].map(
  (w) => normalize(w, 'match').cps,
);
const BARE_HOLDS: readonly (readonly number[])[] = ['wait'].map((w) => normalize(w, 'match').cps);

/**
 * What the utterance asks of the call, when it asks that and nothing else (hits of the three categories
 * and fillers only): a wait when it asks for one (喂，你等一下), else the last line again when it asks for
 * it, else a line check; undefined when it says anything more (喂，多少钱 is a price question, 没听清，
 * 安装要多久 a question about the installation). `text` is the screened (redacted) text.
 */
export function callerAsks(text: string, hits: readonly ComplianceHit[]): CallerAsk | undefined {
  const fillers = [...ASK_FILLERS, ...BARE_REPEATS, ...BARE_HOLDS];
  if (!onlySays(text, hits, ASK_CATEGORIES, fillers)) {
    // "what?", "sorry?", "wait!": a bare word alone (with fillers), which no lexicon entry can find.
    if (!coveredBy(text, [], fillers) || coveredBy(text, [], ASK_FILLERS)) return undefined;
    if (!coveredBy(text, [], [...ASK_FILLERS, ...BARE_REPEATS])) return CALLER_ASKS.hold;
    return CALLER_ASKS.repeat;
  }
  const said = (category: string) => hits.some((h) => h.category === category);
  if (said(COMPLIANCE_CATEGORIES.hold_request)) return CALLER_ASKS.hold;
  if (said(COMPLIANCE_CATEGORIES.repeat_request)) return CALLER_ASKS.repeat;
  return CALLER_ASKS.lineCheck;
}

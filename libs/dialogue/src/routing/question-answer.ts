import type { CampaignQuestion } from '@huashu/campaigns';
import type { IntentName } from '@huashu/intent';

/**
 * Intents never taken as an answer to a question, however unsure the model: they decline, end or
 * escalate the call, and mistaking one for an answer would hand a "no" to a closer.
 */
const NEVER_AN_ANSWER: ReadonlySet<IntentName> = new Set<IntentName>([
  'deny',
  'not_interested',
  'do_not_call',
  'busy_call_later',
  'wrong_person',
  'complaint',
  'ask_human',
]);

/**
 * At or above this confidence the model's intent stands after a question. Below it, an intent that does
 * not decline, end or escalate is taken as the answer: the shipped intent model has never seen an
 * answer such as an address and places a bare one with an intent it is unsure of (阳光小区
 * ask_product_detail 0.78, 在阳光小区 0.53, 阳光小区3栋2单元 and 我住在阳光小区 out_of_scope), while the
 * questions callers ask back are sure (安装要多久 0.94, 网速有多快 1.00, 你是谁 1.00, "is installation free"
 * 0.87) or carry a question mark, and a plain "yes" is too (好的 1.00, 嗯 0.99, "sure" 1.00).
 */
export const ANSWER_BELOW_CONFIDENCE = 0.8;

// The word lists below are written by hand: no library reads a question back, a hesitation or a place
// in Chinese and English speech-recogniser text (no punctuation), and the model has seen none of them
// as such (为什么要问这个 out_of_scope 0.83, 我还没想好要不要办呢 0.73, "not sure yet" affirm 0.92).

/**
 * A question asked back. A question mark, which speech recognisers rarely write, else its words: zh a
 * question word (为什么, 什么, 怎么, 干嘛, 凭什么, 哪个 …) or a question particle at the end (吗, 呢, 么);
 * en a question word or an auxiliary opening the sentence ("why …", "what for", "is it …", "do you …").
 */
const ASKS_ZH = /为什么|为啥|什么|怎么|干嘛|干吗|咋|哪个|哪里|哪儿|多少|几个|[吗呢么嘛][\s，,。.!！~～]*$/u;
const ASKS_EN =
  /^\W*(?:why|what|how|who|whom|whose|when|where|which|is|are|was|were|do|does|did|can|could|will|would|should|shall|may|must)\b/i;
const ASKS_MARK = /[?？]/;

/** A caller who has not decided (还没想好, 考虑一下, "not sure"): no answer, whatever the model reads. */
const HESITATES_ZH = /没想好|想一想|想想|考虑|再说|不确定|说不准|不好说|不知道|商量|犹豫|等一下|等等|回头再/u;
const HESITATES_EN =
  /\b(?:not sure|unsure|don'?t know|dunno|no idea|think about|think it over|thinking|let me think|consider|undecided|not decided|haven'?t decided|maybe later|not yet|hold on|wait a (?:sec|second|minute|moment))\b/i;

/**
 * Words that name a place, so answer an address question: zh a place word (小区, 花园, 大厦 …), a place
 * character after a name (…路, …街, …村, …苑, …区 …) or a number with 号/栋/楼/单元/室; en a street word
 * (street, road, avenue …), a house or flat number before a name ("12 Maple"), a US ZIP or a UK postcode.
 * Words that only look like places are left out first (路由器, 区别, 号码, 市场).
 */
const NOT_A_PLACE_ZH = /路由器?|区别|号码|市场|城市化/gu;
const PLACE_ZH =
  /小区|社区|花园|家园|公寓|大厦|大楼|广场|新村|胡同|单元|\p{Script=Han}(?:路|街|巷|弄|村|镇|乡|苑|园|区|县|市|省|庄|湾|府|城|里)|[\d零一二三四五六七八九十百]+\s*(?:号|栋|幢|楼|单元|室|层|弄)/u;
const PLACE_EN =
  /\b(?:street|st|road|rd|avenue|ave|lane|ln|drive|boulevard|blvd|court|crescent|terrace|square|highway|parkway|apartment|apt|flat|unit|suite|building|block|estate|village|town|city|county|district|postcode|zip)\b|\b\d+[a-z]?\s+[a-z]+|\b\d{5}(?:-\d{4})?\b|\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b/i;

/**
 * A no to "is this Mr Wang?" that is about the offer rather than the person (不用, 没时间, "no thanks",
 * "no time"): the model's deny after the identity question is a wrong person unless its words say this.
 */
const DECLINES_ZH = /不用|不要|不需要|没兴趣|不感兴趣|没时间|不方便|在忙|忙着|别打/u;
const DECLINES_EN = /\b(?:thanks|thank you|interested|time|busy|need|want|calls?|calling)\b/i;

const CJK = /\p{Script=Han}/u;

/** Whether the caller asks something back (`?`, or its words in ASR text without one). */
export function asksBack(text: string): boolean {
  return ASKS_MARK.test(text) || (CJK.test(text) ? ASKS_ZH.test(text) : ASKS_EN.test(text));
}

/** Whether the caller has not decided yet (还没想好, 考虑一下, "not sure"). */
export function hesitates(text: string): boolean {
  return HESITATES_ZH.test(text) || HESITATES_EN.test(text);
}

/** Whether the words name a place: what an answer to an address question must do. */
export function namesPlace(text: string): boolean {
  return PLACE_ZH.test(text.replace(NOT_A_PLACE_ZH, ' ')) || PLACE_EN.test(text);
}

/** Whether a no after the identity question declines the offer rather than the person. */
const declinesOffer = (text: string): boolean => DECLINES_ZH.test(text) || DECLINES_EN.test(text);

/** The turn as classified, before its question is considered. */
export interface ClassifiedTurn {
  intent: IntentName;
  confidence: number;
  /** Who decided the intent: only the intent model's own guess gives way to the question. */
  source: string;
  /** The stored (redacted) utterance; undefined when it is no answer (not screened, blocked, abusive). */
  text: string | undefined;
}

/** An answer to the question the bot asked last (`answerToQuestion`). */
export interface QuestionAnswer {
  intent: IntentName;
  /** The question changed the intent (audit `intent.source: "answer"`); false when the model agreed. */
  decided: boolean;
  /** The name the caller's words are kept under (the question's `answer`); undefined: nothing is kept. */
  keep?: string;
}

/**
 * Whether a turn answers the question the bot's last line asked (the campaign's `questions`), and as
 * what intent (DESIGN §3 context-dependent handling, as the answers to the retention attempt and the
 * do-not-call question). Pure, so every rule is unit-tested.
 *
 * The answer is taken when the turn is not clearly something else: its intent came from the model
 * alone (not input screening, a campaign example or a callback request), the caller neither asks back
 * (`asksBack`) nor hesitates (`hesitates`), the words fit the question's kind (an address names a
 * place, `namesPlace`), and the model found nothing in scope or only an intent below
 * `ANSWER_BELOW_CONFIDENCE` that does not decline, end or escalate the call. A turn the model already
 * reads as the question's intent answers it too (its text is kept), without the question deciding
 * anything. An `identity` question is answered only by a no: the model's deny, unless its words
 * decline the offer, is `wrong_person`.
 */
export function answerToQuestion(
  question: CampaignQuestion | undefined,
  turn: ClassifiedTurn,
): QuestionAnswer | undefined {
  if (!question || turn.text === undefined || turn.source !== 'classifier') return undefined;
  if (question.kind === 'identity') {
    return turn.intent === 'deny' && !declinesOffer(turn.text) ? { intent: 'wrong_person', decided: true } : undefined;
  }
  if (question.intent === undefined || asksBack(turn.text) || hesitates(turn.text)) return undefined;
  if (question.kind === 'address' && !namesPlace(turn.text)) return undefined;
  const keep = question.answer;
  if (turn.intent === question.intent) return { intent: question.intent, decided: false, keep };
  if (NEVER_AN_ANSWER.has(turn.intent)) return undefined;
  const unsure = turn.intent === 'out_of_scope' || turn.confidence < ANSWER_BELOW_CONFIDENCE;
  return unsure ? { intent: question.intent, decided: true, keep } : undefined;
}

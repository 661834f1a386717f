/** One approved reply the generator prompt may quote, as the exemplar ranking sees it. */
export interface RankedReply {
  id: string;
  /** In the customer's language. */
  spoken: boolean;
  /** A script of the intent the turn answers. */
  ofIntent: boolean;
  heard: boolean;
  /** Words shared with the utterance (lexical-rank.ts, BM25). */
  lexical: number;
  /** Its text names the slot the intent asks for (`{price}` for ask_price: campaign `askedSlots`). */
  statesSlot: boolean;
  /** It has no lead stage: the intent's answer at any point of the call, not a later stage's variant. */
  general: boolean;
}

/**
 * The rank group of each reply (lower first; within a group the words shared with the utterance,
 * then the similarity, decide: `byAnswer`), and the campaign example's script that still leads, if any.
 *
 * As before: the customer's language first, then the script whose campaign example is near the
 * utterance (`answerId`), then the intent's scripts, then the others.
 *
 * An intent that asks for a slot (ask_price asks for `{price}`) puts the intent's scripts that state the
 * slot first, unless the campaign example found another script that states it too, or one that shares
 * more of the utterance's words than every script that states it. On the first answer (no script of the
 * intent heard yet) the general one (no stage) comes before a later stage's variant. Why: a bare 多少钱 or
 * "how much is it" shares no word with any price line but the question words, and the encoder finds the
 * examples of the comparison line ("how does the price compare to what I have now") near every "how much
 * is X" (0.65-0.74, over the 0.65 example threshold); the customer then heard "most households spend
 * less …" with no figure until they asked again. A question that is about the comparison says so in
 * words the comparison line shares (save, compared, 分开交, 省), and keeps it. Asked again (月费多少钱 →
 * 多少钱一个月来着), the price is still what was asked: before, the heard price line was ranked below
 * every unheard one and the comparison line, which names no price, was said.
 *
 * For a question (QUESTION_INTENTS), heard or not decides only between replies that answer equally well
 * (README "Asked again"; other intents rank heard replies after unheard ones, as before): the scripts
 * stating the asked slot, which all answer it (the unheard ones first: 多少钱 twice hears the promotion's
 * price after the basic one), and, everywhere else, replies of one group sharing the utterance's words
 * equally (`byAnswer`: the same BM25 score, most often none at all). A heard reply that shares more of
 * the words than the unheard ones is still the answer, and comes first again: 合约期多久 asked twice
 * hears the contract line twice, where it used to hear the installation line, then the data line.
 */
export function rankReplies(
  replies: readonly RankedReply[],
  answerId: string | undefined,
  /** The turn's intent asks a question (QUESTION_INTENTS): asked again, its answer is said again. */
  question = true,
): { rank: Map<string, number>; answerId: string | undefined } {
  const stating = replies.filter((r) => r.spoken && r.ofIntent && r.statesSlot);
  const firstAnswer = !replies.some((r) => r.ofIntent && r.heard);
  const answer = answerId === undefined ? undefined : replies.find((r) => r.id === answerId);
  const answerKept =
    answer !== undefined && answer.spoken && (answer.statesSlot || stating.every((r) => answer.lexical > r.lexical));
  const slotFirst = stating.length > 0 && !answerKept && (question || firstAnswer);
  const leader = slotFirst ? undefined : answer?.id;
  const rank = new Map<string, number>();
  for (const r of replies) {
    const language = r.spoken ? 0 : 8;
    let group: number;
    if (slotFirst && r.spoken && r.ofIntent && r.statesSlot) {
      group = firstAnswer ? (r.general ? 0 : 0.5) : r.heard ? 0.5 : 0;
    } else if (r.id === leader) group = 0;
    else group = 1 + (r.ofIntent ? 0 : 2) + (!question && r.heard ? 1 : 0);
    rank.set(r.id, language + group);
  }
  return { rank, answerId: leader };
}

/**
 * The intents that ask a question the library answers: asked again, the script that answers is said again.
 * Not a yes, a no or an objection: a second 好的 shares 好 with zh-affirm-continue "好的，谢谢您…" more than with
 * the next line, yet must move the call on; a second 太贵了 hears the next rebuttal.
 */
export const QUESTION_INTENTS: ReadonlySet<string> = new Set([
  'ask_price',
  'ask_product_detail',
  'ask_company',
  'request_info',
]);

/** A reply as `byAnswer` orders it: its rank group (rankReplies), shared words, heard, similarity. */
export interface OrderedReply {
  rank: number;
  lexical: number;
  heard: boolean;
  similarity: number;
}

/** Two BM25 scores this close are the same words shared (float noise of one sum, not a word more). */
const SAME_WORDS = 1e-9;

/**
 * The exemplar order: rank group, then the words shared with the utterance (more first), then, between
 * replies that share them equally, unheard before heard, then the encoder's similarity.
 */
export const byAnswer = (a: OrderedReply, b: OrderedReply): number =>
  a.rank - b.rank ||
  (Math.abs(a.lexical - b.lexical) > SAME_WORDS ? b.lexical - a.lexical : 0) ||
  Number(a.heard) - Number(b.heard) ||
  b.similarity - a.similarity;

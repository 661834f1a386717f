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
 * then the similarity, decide), and the campaign example's script that still leads, if any.
 *
 * As before: the customer's language first, then the script whose campaign example is near the
 * utterance (`answerId`), then the intent's scripts, unheard before heard, then the others.
 *
 * The first answer to an intent that asks for a slot (no script of the intent heard yet; ask_price
 * asks for `{price}`) puts the intent's scripts that state the slot first, the general one (no stage)
 * before a later stage's variant, unless the campaign example found another script that states it
 * too, or one that shares more of the utterance's words than every script that states it. Why: a bare
 * 多少钱 or "how much is it" shares no word with any price line but the question words, and the
 * encoder finds the examples of the comparison line ("how does the price compare to what I have now")
 * near every "how much is X" (0.65-0.74, over the 0.65 example threshold); the customer then heard
 * "most households spend less …" with no figure until they asked again. A question that is about the
 * comparison says so in words the comparison line shares (save, compared, 分开交, 省), and keeps it.
 */
export function rankReplies(
  replies: readonly RankedReply[],
  answerId: string | undefined,
): { rank: Map<string, number>; answerId: string | undefined } {
  const stating = replies.filter((r) => r.spoken && r.ofIntent && r.statesSlot);
  const firstAnswer = !replies.some((r) => r.ofIntent && r.heard);
  const answer = answerId === undefined ? undefined : replies.find((r) => r.id === answerId);
  const answerKept =
    answer !== undefined && answer.spoken && (answer.statesSlot || stating.every((r) => answer.lexical > r.lexical));
  const slotFirst = firstAnswer && stating.length > 0 && !answerKept;
  const leader = slotFirst ? undefined : answer?.id;
  const rank = new Map<string, number>();
  for (const r of replies) {
    const language = r.spoken ? 0 : 8;
    let group: number;
    if (slotFirst && r.spoken && r.ofIntent && r.statesSlot) group = r.general ? 0 : 0.5;
    else if (r.id === leader) group = 0;
    else group = 1 + (r.ofIntent ? 0 : 2) + (r.heard ? 1 : 0);
    rank.set(r.id, language + group);
  }
  return { rank, answerId: leader };
}

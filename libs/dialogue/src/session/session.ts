import type { IntentName } from '@huashu/intent';
import type { Action, Channel, LeadStage, TurnCallback } from '../turn-result.js';

/** One line of the conversation as stored (customer text is always the redacted form). */
export interface TranscriptEntry {
  turn: number;
  role: 'customer' | 'bot' | 'event';
  text: string;
  at: string;
  scriptId?: string;
  intent?: IntentName;
  action?: Action;
  leadStage?: LeadStage;
  /** The warmest stage reached on this turn (leadStage is `closed` once the call ends). */
  reachedStage?: LeadStage;
  /** On a barge-in event: what the caller heard of the bot line before it (the rest was not said). */
  heard?: string;
}

/** One message of the conversation as the generator prompt sees it. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A conversation's state in Redis (JSON under a TTL). */
export interface Session {
  id: string;
  campaignId: string;
  channel: Channel;
  /** The phone is kept (E.164) while the session lives because a callback needs it. */
  /** `language`: the language hint given at start, canonical BCP-47 ("en-US"). */
  customer: { name?: string; phone?: string; language?: string };
  metadata: Record<string, unknown>;
  /**
   * The library language (a script language tag, `en`) the start's hint found: replies whose turn says
   * nothing of the caller's language (no letters to tell by) are in it rather than the campaign's.
   * Absent without a hint, when the library has no scripts in the hinted language, and in sessions
   * written before it existed.
   */
  language?: string;
  /**
   * The language the caller's words last told (CJK → zh, Latin letters → en; language.ts `heardIn`):
   * every line is in it once set, before `language` (language.ts `replyLanguage`). Absent until their
   * words tell (and in sessions written before it existed).
   */
  spokenLanguage?: 'zh' | 'en';
  status: 'active' | 'ended';
  stage: LeadStage;
  /** Turns taken so far (the greeting is turn 0). */
  turn: number;
  /** Script ids this conversation already heard (no-repeat on the scripted route). */
  heard: string[];
  /**
   * The script ids of the bot's last reply (its script, its parts and its follow-on): a line in it is
   * not said again on the next turn. Absent in sessions written before it existed (the last heard counts).
   */
  said?: string[];
  consecutiveFallbacks: number;
  retentionAttempted: boolean;
  pendingRetention: boolean;
  /**
   * Set while the bot's last question asked to confirm an unsure do_not_call: the intent a "no" answers
   * that utterance as (its runner-up). Absent otherwise (and in sessions written before it existed).
   */
  pendingDoNotCall?: IntentName;
  /**
   * Abusive turns so far (input screening found `abuse`), counted over the whole call: the campaign's
   * `abuseHangupAfter`-th ends it. Absent until the first (and in sessions written before it existed).
   */
  abusiveTurns?: number;
  /**
   * Set while the bot's last line was a question the campaign declares (`questions`): its script id, so
   * the next turn can be taken as its answer. Absent otherwise (and in sessions written before it existed).
   */
  pendingQuestion?: string;
  /**
   * How many times in a row the bot has said `pendingQuestion` (1 when first asked): a bare yes re-asks
   * it until the question's `askAtMost`, then is taken as the question's intent. Absent with it (and in
   * sessions written before it existed, where it counts as 1).
   */
  pendingQuestionAsks?: number;
  /**
   * The caller's answers to the campaign's questions, by answer name (`address`): their redacted words,
   * for the closer (the transfer's lead summary). Absent until the first answer.
   */
  answers?: Record<string, string>;
  /**
   * The distinct intents seen, in the order first seen (for the transfer summary). Sessions written
   * before this was distinct may repeat some; readers must not rely on either.
   */
  intents: readonly IntentName[];
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
  endReason?: string;
  /**
   * The lead stage the conversation ended at (the warmest reached on its last turn), which `stage`
   * (`closed`) no longer shows: where a conversation reopened after a failed transfer goes on from.
   * Absent while active (and in sessions written before it existed).
   */
  endedAtStage?: LeadStage;
  /** The callback a busy customer asked for on the turn that ended the call (its actionDetail's). */
  callback?: TurnCallback;
}

/** A fresh conversation: stage `new`, no turns, nothing heard. */
export function newSession(
  init: Pick<Session, 'id' | 'campaignId' | 'channel' | 'customer' | 'metadata' | 'language'>,
  now = new Date().toISOString(),
): Session {
  return {
    ...init,
    status: 'active',
    stage: 'new',
    turn: 0,
    heard: [],
    consecutiveFallbacks: 0,
    retentionAttempted: false,
    pendingRetention: false,
    intents: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * `intents` after a turn classified as `intent`: the same array when the intent was seen before, so a
 * long call neither grows the session it rewrites every turn nor forgets what was asked early on.
 */
export function noteIntent(intents: readonly IntentName[], intent: IntentName): readonly IntentName[] {
  return intents.includes(intent) ? intents : [...intents, intent];
}

/**
 * The generator prompt's history from the end of a transcript (oldest first): customer lines as
 * `user` (their stored, redacted text), bot lines as `assistant`, a barge-in event cutting the bot
 * line before it to what the caller heard; the last `maxMessages` messages. The transcript is the one
 * record of what was said, so the session does not carry (and rewrite every turn) a copy of it.
 */
export function historyFromTranscript(entries: readonly TranscriptEntry[], maxMessages: number): HistoryMessage[] {
  const out: HistoryMessage[] = [];
  for (const e of entries) {
    if (e.role === 'customer') out.push({ role: 'user', content: e.text });
    else if (e.role === 'bot') out.push({ role: 'assistant', content: e.text });
    else if (e.heard !== undefined && out.at(-1)?.role === 'assistant')
      out[out.length - 1] = { role: 'assistant', content: e.heard };
  }
  return out.slice(-maxMessages);
}

import type { IntentName } from '@huashu/intent';
import type { ComplianceHit, Verdict } from '@huashu/compliance';

/** The binding values of the chat API's enums (DESIGN §3, §4), also what /docs lists. */
export const CHANNELS = ['rest', 'phone'] as const;
export const ROUTES = ['script', 'generator', 'fallback'] as const;
export const ACTIONS = ['continue', 'transfer', 'hangup'] as const;
export const LEAD_STAGES = ['new', 'engaged', 'interested', 'hot', 'closed'] as const;

export type Channel = (typeof CHANNELS)[number];
export type Route = (typeof ROUTES)[number];
export type Action = (typeof ACTIONS)[number];
export type LeadStage = (typeof LEAD_STAGES)[number];

export interface Reply {
  text: string;
  scriptId: string;
  libraryVersion: number;
  similarity: number | null;
  fallback: boolean;
  /**
   * Set when the reply was streamed (DialoguePort.turnStream, generator route): the approved scripts
   * in the order they were sent; `text` is them joined, `scriptId`/`similarity` are the first's.
   * Additive to the binding shape.
   */
  parts?: ReplyPart[];
  /**
   * The script said right after the first in the same reply (campaign `followOns`: a line that
   * promises content, then the line that delivers it); `text` is both joined, `scriptId` the first's.
   * Additive to the binding shape.
   */
  followOn?: FollowOn;
}

/** The second approved script of a reply (campaign `followOns`). */
export interface FollowOn {
  scriptId: string;
  /** Its text as said, slots filled. */
  text: string;
}

/** One approved script of a streamed reply, sent to the caller as soon as it was matched. */
export interface ReplyPart {
  text: string;
  scriptId: string;
  similarity: number | null;
}

/**
 * What DialoguePort.turnStream yields: zero or more `part`s (each an approved script the caller can
 * hear at once), then exactly one `result`. When parts were yielded, `result.reply.text` is exactly
 * those parts joined (what was sent); when none were, the transport plays `result.reply` whole.
 */
export type TurnStreamEvent = { type: 'part'; part: ReplyPart } | { type: 'result'; result: TurnResult };

/** A callback scheduled by a busy_call_later hangup (also the audit record's `effects.callback`). */
export interface CallbackDue {
  /** When the customer is called back: ISO 8601 in UTC (`…Z`). */
  dueAt: string;
  /**
   * The IANA time zone the customer's words were read in (the campaign's `timeZone`, else the
   * process's), so "明天下午" can be shown on the customer's clock. Additive to the binding shape.
   */
  timeZone: string;
  /** The words the time was read from ("明天下午", "in an hour"); absent when the default delay applied. */
  requested?: string;
}

/**
 * The callback a busy_call_later hangup asked for, as the turn and its audit (`effects.callback`)
 * show it: the time understood, whether or not huashu schedules it, so a dialer that schedules its
 * own callbacks can act on it. Additive to the binding shape.
 */
export interface TurnCallback extends CallbackDue {
  /**
   * When the time asked for (or the default delay) fell outside the campaign's calling hours: that
   * time (ISO 8601 UTC); `dueAt` is then the next time within them. Absent when it was within.
   */
  movedFrom?: string;
  /** The campaign's calling hours `movedFrom` was outside of; present with it. */
  callingHours?: { start: string; end: string };
  /** Whether huashu schedules it (a dialer webhook is configured); when not, the client has to. */
  scheduled: boolean;
  /** Why it was not scheduled ("DIALER_WEBHOOK_URL is not set"); absent when it was. */
  notScheduledReason?: string;
}

/**
 * What a turn did about the do-not-call list (README "Do-not-call confirmation"): asked the
 * confirmation question (`confirming`: nothing listed, the call goes on), listed the number, honoured
 * the request on a conversation without a phone number (`unlisted`: the call ended, there was no
 * number to list), or what became of the question asked the turn before (`declined`, `dropped`).
 */
export const DO_NOT_CALL_EFFECTS = ['confirming', 'listed', 'unlisted', 'declined', 'dropped'] as const;
export type DoNotCallEffect = (typeof DO_NOT_CALL_EFFECTS)[number];

/**
 * How a turn answered a caller who asked whether they talk to a bot (README "Are you a robot?"): said
 * the library's disclosure script (`given`), or, in a library without one, handed the call to a person
 * by the campaign's ask_human route (`transferred`).
 */
export const DISCLOSURE_EFFECTS = ['given', 'transferred'] as const;
export type DisclosureEffect = (typeof DISCLOSURE_EFFECTS)[number];

/** The binding result of one turn (DESIGN §4). */
export interface TurnResult {
  conversationId: string;
  turn: number;
  reply: Reply;
  intent: { name: IntentName; confidence: number };
  route: Route;
  action: Action;
  /**
   * For `transfer`: reason and target; for `hangup`: reason, and for busy_call_later the callback
   * asked for (scheduled by huashu or not); for a transfer after the caller answered the campaign's
   * questions, the answers by name (`address`). Additive to the binding shape.
   */
  actionDetail?: {
    reason: string;
    target?: string;
    summary?: string;
    callback?: TurnCallback;
    answers?: Record<string, string>;
  };
  /**
   * Set on a turn that asked to confirm a do_not_call, listed the number (`unlisted` when the
   * conversation has none), or settled the question: the same as the audit's `effects.doNotCall`.
   * Additive to the binding shape: a client acts on `listed` (or records an `unlisted` opt-out against
   * what it knows of the customer), never on the intent name (a `confirming` turn's intent is the
   * unsure do_not_call).
   */
  doNotCall?: DoNotCallEffect;
  /**
   * Set on a turn that answered "are you a robot?": the disclosure script was said (`given`), or the
   * library has none and the call went to a person (`transferred`); the same as the audit's
   * `effects.disclosure`. Additive to the binding shape.
   */
  disclosure?: DisclosureEffect;
  leadStage: LeadStage;
  degraded: boolean;
  compliance: {
    input: { verdict: Verdict; hits?: ComplianceHit[] };
    output: { verdict: Verdict; hits: ComplianceHit[] };
  };
  timingsMs: { classify: number; generate: number; comply: number; match: number; total: number };
}

export interface StartConversation {
  campaignId?: string;
  channel?: Channel;
  /**
   * `language`: the lead's language as the client knows it (CRM, the platform's call language), a
   * BCP-47 tag; the opening and the lines said before the caller's own words tell are in it.
   */
  customer?: { name?: string; phone?: string; language?: string };
  metadata?: Record<string, unknown>;
}

export interface StartedConversation {
  conversationId: string;
  reply?: Reply;
}

/**
 * What transports (REST chat, telephony adapters) call. Implemented in this lib by the turn
 * pipeline; adapters depend on this interface only.
 */
export interface DialoguePort {
  start(req: StartConversation): Promise<StartedConversation>;
  turn(conversationId: string, input: { text: string; signal?: AbortSignal }): Promise<TurnResult>;
  /** The same turn as TurnResult JSON, where the implementation has it as JSON already (turn threads). */
  turnJson?(conversationId: string, text: string): Promise<string>;
  /**
   * The same turn (same deadlines, fallback and record), streamed: on the generator route each
   * complete generated sentence goes through output compliance and the script match, and every
   * newly approved script is yielded as soon as it is known. An abort (barge-in) stops generation;
   * the turn then records the parts already yielded. Errors are thrown as by `turn`.
   */
  turnStream(conversationId: string, input: { text: string; signal?: AbortSignal }): AsyncIterable<TurnStreamEvent>;
  end(conversationId: string, reason: string): Promise<void>;
  /**
   * End the conversation as `end` does, with the line that announces why (telephony: the caller's
   * third silence, the agent key): `hangup` the campaign's goodbye or else the library's closing line,
   * `transfer` the library's generic transfer line (tagged `transfer`, no intent), in the customer's
   * language, recorded as the conversation's last bot line. Undefined when the library has no such
   * line (the conversation ends all the same) or the conversation had ended already.
   */
  close(conversationId: string, close: { reason: string; action: 'hangup' | 'transfer' }): Promise<Reply | undefined>;
  /**
   * Take back a conversation whose transfer failed (no agent answered): it goes on at the lead stage it
   * was handed over at, and the customer hears the library's apology (a script tagged
   * `transfer_failed`) in their language, else the campaign's fallback. Undefined when the conversation
   * had not ended (nothing to reopen).
   */
  reopen(conversationId: string, reason: string): Promise<Reply | undefined>;
}

export const DIALOGUE = Symbol('Dialogue');

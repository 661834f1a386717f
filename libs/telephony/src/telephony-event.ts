import type { CallbackDue, DoNotCallEffect } from '@huashu/dialogue';

/**
 * The one internal event language every telephony adapter maps its platform protocol to, and the
 * outcome it maps back. Adapters stay thin translators; call handling lives in TelephonyService.
 */
export const TELEPHONY_EVENTS = {
  USER_TEXT: 'user_text',
  BARGE_IN: 'barge_in',
  DTMF: 'dtmf',
  NO_INPUT: 'no_input',
  HANGUP: 'hangup',
  TRANSFER_RESULT: 'transfer_result',
} as const;

export type TelephonyEventType = (typeof TELEPHONY_EVENTS)[keyof typeof TELEPHONY_EVENTS];

/** Speech recognised from the caller: `final: false` is a partial hypothesis (never answered). */
export interface UserTextEvent {
  type: typeof TELEPHONY_EVENTS.USER_TEXT;
  text: string;
  final: boolean;
  confidence?: number;
  language?: string;
}

/** The caller spoke over the bot; `heard` is the part of the bot's reply played before that. */
export interface BargeInEvent {
  type: typeof TELEPHONY_EVENTS.BARGE_IN;
  heard: string;
}

export interface DtmfEvent {
  type: typeof TELEPHONY_EVENTS.DTMF;
  digits: string;
}

/** The platform's no-input timer expired; `count` is how many times in a row. */
export interface NoInputEvent {
  type: typeof TELEPHONY_EVENTS.NO_INPUT;
  count: number;
}

export interface HangupEvent {
  type: typeof TELEPHONY_EVENTS.HANGUP;
  cause: string;
}

export interface TransferResultEvent {
  type: typeof TELEPHONY_EVENTS.TRANSFER_RESULT;
  status: 'answered' | 'failed';
  reason?: string;
}

export type TelephonyEvent =
  UserTextEvent | BargeInEvent | DtmfEvent | NoInputEvent | HangupEvent | TransferResultEvent;

/** Platforms with an adapter; part of every call key so two platforms never share a call id. */
export const TELEPHONY_PLATFORMS = {
  AUDIOCODES: 'audiocodes',
  TWILIO: 'twilio',
  TWILIO_RELAY: 'twilio-relay',
  GENESYS: 'genesys',
  GENERIC: 'generic',
} as const;

export type TelephonyPlatform = (typeof TELEPHONY_PLATFORMS)[keyof typeof TELEPHONY_PLATFORMS];

/**
 * What an adapter must make the platform do after one event. `none` = say nothing and keep
 * listening (partials, barge-in bookkeeping, duplicates of an event already answered).
 */
export type TelephonyAction = 'continue' | 'transfer' | 'hangup' | 'none';

export interface TelephonyOutcome {
  conversationId: string;
  /** Text the caller hears now, in the campaign language (BCP-47 tag). */
  say?: { text: string; language: string };
  action: TelephonyAction;
  /** For `transfer`: where to (absent when neither the turn nor the campaign names one). */
  transfer?: { target?: string; reason: string; summary?: string };
  /**
   * For `hangup`: why, and for a busy caller the callback the dialogue scheduled (when it is due, the
   * time zone and the words it was read from), which each adapter hands to its platform's call flow
   * so a dialer behind it can schedule the callback itself.
   */
  hangup?: { reason: string; callback?: CallbackDue };
  /** DTMF digits to play towards the far end (e.g. an IVR extension before a transfer). */
  sendDigits?: string;
  /**
   * The turn's intent, left out on the turn that asks to confirm an unsure do_not_call: a call flow
   * that acts on `do_not_call` must not list the number before the caller said yes.
   */
  intent?: { name: string; confidence: number };
  /** What the turn did about the do-not-call list (TurnResult `doNotCall`): flows act on `listed`. */
  doNotCall?: DoNotCallEffect;
  scriptId?: string;
  turn?: number;
  /**
   * True when the turn itself failed or overran (deadline, dialogue failure: `error` says which) or
   * the dialogue degraded it (a stage failed, TurnResult `degraded`). A reprompt for silence, empty
   * speech or a key without meaning is no failure: `reprompt: true`, `degraded: false`.
   */
  degraded: boolean;
  /** True when `say` repeats the last prompt (empty speech, DTMF without meaning, no-input). */
  reprompt: boolean;
  /** Set when the turn itself failed (deadline passed or the dialogue threw) and `say` is a reprompt. */
  error?: 'deadline' | 'dialogue';
  /**
   * True when `say` was already delivered piece by piece through the handler's SaySink (streamed
   * turn): the adapter only closes the reply (e.g. ConversationRelay's one `last: true`).
   */
  streamed?: boolean;
}

/** Receives each approved piece of a streamed reply the moment it is known. */
export type SaySink = (say: { text: string; language: string }) => void;

/** What the platform told us when the call started. */
export interface CallStart {
  campaignId?: string;
  phone?: string;
  /**
   * The call's language as the platform names it (BCP-47; Genesys `languageCode`): the greeting and
   * the lines said before the caller's words tell are in it when the library has scripts in it.
   */
  language?: string;
  metadata?: Record<string, unknown>;
}

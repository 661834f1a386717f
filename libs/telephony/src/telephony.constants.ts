/** DI tokens and tunables of the telephony lib. */

/** Campaign settings the adapters need (bound to CampaignService in TelephonyModule). */
export const TELEPHONY_CAMPAIGNS = Symbol('TelephonyCampaigns');

export interface CampaignLookup {
  get(id: string): Promise<{ id: string; name: string; language: 'zh' | 'en'; transferTarget?: string }>;
  list(): Promise<string[]>;
  exists(id: string): Promise<boolean>;
}

export const TELEPHONY_LIMITS = {
  /** Consecutive no-input timeouts before the bot hangs up. */
  maxNoInput: 3,
  /** Grace on top of the campaign's phone deadline before the adapter gives up on a turn. */
  turnGraceMs: 500,
  /** How long a duplicate delivery waits for the first one's outcome. */
  duplicateWaitMs: 3000,
  /** Longest caller utterance forwarded to the dialogue (characters). */
  maxUtteranceChars: 2000,
} as const;

/** DTMF keys with a fixed meaning on every campaign; other keys reprompt. */
export const DTMF_ACTIONS = { '0': 'transfer' } as const;

export const TELEPHONY_REASONS = {
  DO_NOT_CALL: 'do_not_call',
  /** The campaign has no published library with a catch-all fallback: nothing approved to say. */
  CAMPAIGN_NOT_READY: 'campaign_not_ready',
  NO_INPUT: 'no_input',
  DTMF_AGENT: 'dtmf_agent_request',
  CALLER_HANGUP: 'caller_hangup',
  TRANSFERRED: 'transferred',
  /** The transfer reached no agent: the conversation was reopened (or, when it could not be, the call ended). */
  TRANSFER_FAILED: 'transfer_failed',
} as const;

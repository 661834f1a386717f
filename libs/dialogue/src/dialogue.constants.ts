/** BullMQ queues of this lib. */
export const DIALOGUE_QUEUES = {
  callbacks: 'dialer-callbacks',
} as const;

/** Job names on the callbacks queue. */
export const CALLBACK_JOBS = {
  callBack: 'call-back',
} as const;

/**
 * Redis keys (the shared client adds REDIS_KEY_PREFIX). One conversation's keys share the `{id}`
 * hash tag so a Lua script touching all of them also works on Redis Cluster.
 */
export const DIALOGUE_KEYS = {
  session: (id: string) => `conv:{${id}}:session`,
  lock: (id: string) => `conv:{${id}}:lock`,
  /** Revision of the session, raised by every commit (compare-and-set for cached sessions). */
  rev: (id: string) => `conv:{${id}}:rev`,
  transcript: (id: string) => `conv:{${id}}:transcript`,
  audit: (id: string) => `conv:{${id}}:audit`,
  /** Sorted set of conversation ids by start time (ms), read by the transcript export. */
  index: 'conv:index',
  doNotCall: (campaignId: string) => `dnc:${campaignId}`,
  callbackSent: (jobId: string) => `callbacks:sent:${jobId}`,
  /**
   * Set of the ids of a number's callback jobs not yet delivered, per campaign (the number as its
   * digest, as on the do-not-call list): listing the number removes them without scanning the queue.
   */
  pendingCallbacks: (campaignId: string, digest: string) => `callbacks:pending:${campaignId}:${digest}`,
} as const;

/** Why a conversation ended or an action was taken (recorded in audit and actionDetail). */
export const ACTION_REASONS = {
  readyToBuy: 'ready_to_buy',
  askHuman: 'ask_human',
  complaint: 'complaint',
  consecutiveFallbacks: 'consecutive_fallbacks',
  notInterested: 'not_interested',
  doNotCall: 'do_not_call',
  busyCallLater: 'busy_call_later',
  wrongPerson: 'wrong_person',
  routeTable: 'route_table',
  /** The caller's abuse went on (campaign `abuseHangupAfter`), or the library has no calming line. */
  abuse: 'abuse',
  /** The caller said goodbye and nothing else (screening's `goodbye`, routing/caller-goodbye.ts). */
  callerGoodbye: 'caller_goodbye',
} as const;

export type ActionReason = (typeof ACTION_REASONS)[keyof typeof ACTION_REASONS];

/** Exchanges of the transcript the generator prompt gets as history. */
export const HISTORY_TURNS = 10;

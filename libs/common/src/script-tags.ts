/** Script tags the code gives a meaning to (README "Script library"). */
const SCRIPT_TAGS = {
  /** The question that confirms an intent before its action is taken (the do_not_call confirmation). */
  confirm: 'confirm',
  /** The line that calms an abusive caller (the dialogue's abuse step, campaign `abuseHangupAfter`). */
  abuse: 'abuse',
  /** The answer to "are you a robot?": the bot says it is automated and offers a human (AI disclosure). */
  disclosure: 'disclosure',
  /** The apology when a transfer failed and the bot takes the call back (telephony transfer result). */
  transferFailed: 'transfer_failed',
  /**
   * The callback confirmation that names the time (`{callback_time}`): said by the callback step when the
   * caller named a time or the time was moved into calling hours, so they hear when they will be called.
   */
  callbackTime: 'callback_time',
  /** The short acknowledgement when the caller asks the bot to wait ("好的，不着急…", "Of course, take your time…"). */
  hold: 'hold',
} as const;

/**
 * Tags that reserve a script for one step of the dialogue, which looks it up by its tag: such a script
 * is never a match target (the matcher's open search, the match evaluations) and never the built-in
 * encoder's training data, so adding one to a library leaves the shipped encoder as it was. One list,
 * so a new reserved tag is one entry here.
 */
export const RESERVED_SCRIPT_TAGS: readonly string[] = [
  SCRIPT_TAGS.confirm,
  SCRIPT_TAGS.abuse,
  SCRIPT_TAGS.disclosure,
  SCRIPT_TAGS.transferFailed,
  SCRIPT_TAGS.callbackTime,
  SCRIPT_TAGS.hold,
];

const tagged = (script: { readonly tags?: unknown }, tag: string): boolean =>
  Array.isArray(script.tags) && (script.tags as unknown[]).includes(tag);

/**
 * A script reserved for one dialogue step (RESERVED_SCRIPT_TAGS): only that step says it, so the
 * matcher's open search, the match evaluations and the built-in encoder's training data leave it out.
 * Here, not in `@huashu/scripts`, because the encoder's training (`@huashu/embedding`) sits below it.
 */
export const isReservedScript = (script: { readonly tags?: unknown }): boolean =>
  RESERVED_SCRIPT_TAGS.some((tag) => tagged(script, tag));

/**
 * A script that asks whether its intent's action should be taken (tagged `confirm`: the do_not_call
 * confirmation question); reserved (isReservedScript).
 */
export const asksToConfirm = (script: { readonly tags?: unknown }): boolean => tagged(script, SCRIPT_TAGS.confirm);

/** A line that calms an abusive caller (tagged `abuse`); reserved (isReservedScript). */
export const calmsAbuse = (script: { readonly tags?: unknown }): boolean => tagged(script, SCRIPT_TAGS.abuse);

/**
 * The answer to "are you a robot?" (tagged `disclosure`: "I'm an automated assistant, not a person …");
 * reserved (isReservedScript): said only to a caller who asks whether they talk to a bot.
 */
export const disclosesBot = (script: { readonly tags?: unknown }): boolean => tagged(script, SCRIPT_TAGS.disclosure);

/**
 * The apology said when a transfer failed and the bot takes the call back (tagged `transfer_failed`);
 * reserved (isReservedScript).
 */
export const apologisesForTransfer = (script: { readonly tags?: unknown }): boolean =>
  tagged(script, SCRIPT_TAGS.transferFailed);

/**
 * The callback confirmation that names the time the call is due (tagged `callback_time`, its text with
 * `{callback_time}`); reserved (isReservedScript): said only when a callback is decided, with the time filled.
 */
export const namesCallbackTime = (script: { readonly tags?: unknown }): boolean =>
  tagged(script, SCRIPT_TAGS.callbackTime);

/**
 * The acknowledgement said when the caller asks the bot to wait (tagged `hold`: 你等一下, "hold on");
 * reserved (isReservedScript).
 */
export const acknowledgesHold = (script: { readonly tags?: unknown }): boolean => tagged(script, SCRIPT_TAGS.hold);

/** Script tags the code gives a meaning to (README "Script library"). */
const SCRIPT_TAGS = {
  /** The question that confirms an intent before its action is taken (the do_not_call confirmation). */
  confirm: 'confirm',
} as const;

/**
 * A script that asks whether its intent's action should be taken (tagged `confirm`: the do_not_call
 * confirmation question). Only the dialogue's confirmation step says it, so it is never a match target:
 * the matcher's open search, the match evaluations and the built-in encoder's training data leave it
 * out. Here, not in `@huashu/scripts`, because the encoder's training (`@huashu/embedding`) sits below it.
 */
export const asksToConfirm = (script: { readonly tags?: unknown }): boolean =>
  Array.isArray(script.tags) && (script.tags as unknown[]).includes(SCRIPT_TAGS.confirm);

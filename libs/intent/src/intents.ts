/** The binding intent names (DESIGN §3). */
export const INTENTS = {
  greeting: 'greeting',
  affirm: 'affirm',
  deny: 'deny',
  interested: 'interested',
  ask_price: 'ask_price',
  ask_product_detail: 'ask_product_detail',
  objection_price: 'objection_price',
  objection_trust: 'objection_trust',
  ready_to_buy: 'ready_to_buy',
  ask_company: 'ask_company',
  request_info: 'request_info',
  not_interested: 'not_interested',
  busy_call_later: 'busy_call_later',
  do_not_call: 'do_not_call',
  wrong_person: 'wrong_person',
  ask_human: 'ask_human',
  complaint: 'complaint',
  out_of_scope: 'out_of_scope',
} as const;

export type IntentName = (typeof INTENTS)[keyof typeof INTENTS];

/** Every intent name, in the order of the table. */
export const INTENT_NAMES = Object.values(INTENTS) as IntentName[];

export const isIntentName = (s: string): s is IntentName => (INTENT_NAMES as string[]).includes(s);

import { DEFAULT_ROUTES, type Campaign, type RouteRule } from '@huashu/campaigns';
import type { IntentName } from '@huashu/intent';
import { ACTION_REASONS, type ActionReason } from '../dialogue.constants.js';
import type { Action, DisclosureEffect, DoNotCallEffect, LeadStage, Route } from '../turn-result.js';

/** What the conversation remembers between turns that the policy needs. */
export interface PolicyState {
  stage: LeadStage;
  retentionAttempted: boolean;
  /** The previous bot turn was the retention attempt: the next affirm/deny answers it. */
  pendingRetention: boolean;
  consecutiveFallbacks: number;
  /**
   * The previous bot turn asked whether the customer wants no more calls (an unsure do_not_call): the
   * next affirm or do_not_call lists the number, deny answers the asking utterance as this intent (its
   * runner-up), anything else drops the question.
   */
  pendingDoNotCall?: IntentName;
}

/**
 * Which script the scripted route looks for (`confirm`: the do_not_call confirmation question; `abuse`:
 * the line that calms an abusive caller; `disclosure`: the library's answer to "are you a robot?";
 * `repeat`: the bot's last line again; `hold`: the acknowledgement of a caller who asks the bot to wait).
 */
export type ScriptSource = 'intent' | 'retention' | 'goodbye' | 'confirm' | 'abuse' | 'disclosure' | 'repeat' | 'hold';

/** What became of an unsure do-not-call this turn (the audit record's `effects.doNotCall`). */
export type DoNotCallCheck = Exclude<DoNotCallEffect, 'listed' | 'unlisted'>;

/** What the pipeline knows of a turn beyond its intent (`decideTurn`). */
export interface DecideOptions {
  /**
   * This do_not_call is unsure (the intent model alone, below the campaign's `doNotCallConfirmBelow`)
   * and the library can ask about it: the intent a "no" then answers the utterance as.
   */
  confirmDoNotCall?: IntentName;
  /** Input screening found an explicit do-not-call request (DESIGN §1 step 2). */
  explicitDoNotCall?: boolean;
  /** The conversation has no phone number, so a do-not-call lists nothing. */
  noPhone?: boolean;
  /** Input screening found abuse in the utterance (`abusiveTurn`). */
  abuse?: AbuseState;
  /**
   * Input screening found the caller asking whether they talk to a bot (`bot_question`): `script` when
   * the library has a disclosure script to answer with, `human` when it has none (`decideTurn`).
   */
  askedIfBot?: 'script' | 'human';
  /**
   * The lead stage of the bot's last line (its script's `stage`), which a yes or a no answers: a greeting
   * raises a new lead to engaged, yet its reply (zh-greeting-reply "方便听我简单说一下吗？") still asks
   * permission to pitch, and a "yes" to it must get the pitch, not the engaged stage's address question.
   */
  askedAt?: LeadStage;
  /**
   * The utterance only closes the call (a closing phrase and fillers: 好的，再见; "ok thanks, bye"):
   * routing/caller-goodbye.ts `onlyClosesCall`.
   */
  callerGoodbye?: boolean;
  /**
   * The utterance only asks for the bot's last line again or checks the line (`repeat`), or only asks
   * the bot to wait (`hold`): routing/caller-asks.ts `callerAsks`.
   */
  callerAsks?: 'repeat' | 'hold';
}

/** An abusive turn as the policy needs it (campaign `abuseHangupAfter`). */
export interface AbuseState {
  /** Which abusive turn of the call this is: 1 for the first. */
  count: number;
  /** The campaign's `abuseHangupAfter`: the abusive turn the call ends on. */
  hangupAfter: number;
  /** The library has a calming line (a script tagged `abuse`) for this caller. */
  canCalm: boolean;
}

/** The decision for one classified turn, before a candidate is found. */
export interface TurnDecision {
  route: Route;
  action: Action;
  reason?: ActionReason;
  scriptSource: ScriptSource;
  /** Stage after this turn (closed when the action ends the call). */
  stage: LeadStage;
  /** The warmest stage the lead reached this turn (never closed): what a closer or export needs. */
  reached: LeadStage;
  retentionAttempted: boolean;
  pendingRetention: boolean;
  /**
   * The turn honours a sure do-not-call: the number goes on the campaign's list whatever the route
   * (none to list on a conversation without a phone number).
   */
  doNotCall: boolean;
  scheduleCallback: boolean;
  /** Set when this turn asks to confirm a do_not_call: the intent a "no" answers the utterance as. */
  pendingDoNotCall?: IntentName;
  doNotCallCheck?: DoNotCallCheck;
  /** The intent the reply answers when not the classified one (a "yes" to the confirmation: do_not_call). */
  answers?: IntentName;
  /** How the turn answered a caller who asked whether they talk to a bot (TurnResult `disclosure`). */
  disclosure?: DisclosureEffect;
  /**
   * The stage whose scripts answer the turn when not the lead's: a yes or no answers the stage of the
   * line it replies to (DecideOptions.askedAt).
   */
  answersAt?: LeadStage;
}

const RANK: Record<LeadStage, number> = { new: 0, engaged: 1, interested: 2, hot: 3, closed: 4 };

/** Intents that show at least this much interest (DESIGN §3 lead stages); stages never go back. */
const RAISES: Partial<Record<IntentName, LeadStage>> = {
  greeting: 'engaged',
  ask_company: 'engaged',
  request_info: 'engaged',
  interested: 'interested',
  ask_price: 'interested',
  ask_product_detail: 'interested',
  objection_price: 'interested',
  objection_trust: 'interested',
  ready_to_buy: 'hot',
};

const REASON_BY_INTENT: Partial<Record<IntentName, ActionReason>> = {
  ready_to_buy: ACTION_REASONS.readyToBuy,
  ask_human: ACTION_REASONS.askHuman,
  complaint: ACTION_REASONS.complaint,
  busy_call_later: ACTION_REASONS.busyCallLater,
  do_not_call: ACTION_REASONS.doNotCall,
  wrong_person: ACTION_REASONS.wrongPerson,
  not_interested: ACTION_REASONS.notInterested,
};

const raise = (stage: LeadStage, to: LeadStage | undefined): LeadStage =>
  to !== undefined && RANK[to] > RANK[stage] ? to : stage;

/** The campaign's rule for an intent, else the DESIGN §3 default, resolved for the lead stage. */
export function ruleFor(
  routes: Campaign['routes'],
  intent: IntentName,
  stage: LeadStage,
): { route: Route; action: Action } {
  const rule: RouteRule = routes[intent] ?? DEFAULT_ROUTES[intent];
  const staged = stage === 'closed' ? undefined : rule.byStage?.[stage];
  return staged ?? { route: rule.route, action: rule.action };
}

/**
 * Routing, actions and lead stage for one turn (DESIGN §1 step 4, §3). Pure, so every rule is
 * unit-tested without Redis or models.
 *
 * A sure do_not_call lists the number whatever the campaign routes the intent to: an opt-out is a legal
 * obligation (DESIGN §3 "hangup + do-not-call list"), and the route decides only what is said and the
 * action. An unsure one is asked about first on any route (listing is for good). An explicit request
 * found by screening takes the DESIGN §1 step 2 row whatever the route, goodbye and hangup, also when
 * it answers the question. Without a phone number a hangup says the campaign's goodbye: the intent's
 * own lines announce a listing (reply-fit.ts).
 *
 * An abusive utterance (screening's `abuse`) is never answered by the route table, whatever the model
 * read in it: `abusiveTurn`. Only an explicit do-not-call request in the same utterance comes first.
 *
 * A caller who only says goodbye hears the goodbye and the call ends (reason `caller_goodbye`), whatever
 * the model read in it (再见 reads as an unsure do_not_call, "ok thanks, bye" as not_interested) and
 * whatever the bot last asked: a closing answers no question, asks for no retention attempt and is no
 * opt-out, so nothing is listed. An explicit do-not-call request in the same words still lists.
 */
export function decideTurn(
  routes: Campaign['routes'],
  intent: IntentName,
  state: PolicyState,
  opts: DecideOptions = {},
): TurnDecision {
  if (opts.abuse !== undefined && !opts.explicitDoNotCall) return abusiveTurn(state, opts.abuse);
  if (opts.callerGoodbye && !opts.explicitDoNotCall) {
    const bye = goodbye(state, ACTION_REASONS.callerGoodbye);
    // A do-not-call question left unanswered is dropped, as by any other answer.
    if (state.pendingDoNotCall !== undefined) bye.doNotCallCheck = 'dropped';
    return bye;
  }
  if (opts.callerAsks !== undefined && !opts.explicitDoNotCall) return askedOfTheCall(state, opts.callerAsks);
  const d = decideIntent(routes, intent, state, opts);
  // "Are you a robot?" is answered honestly (README "Are you a robot?"), on a turn that would go on
  // anyway: a turn that ends or hands over the call (do-not-call, a transfer, a callback) keeps its
  // action, and the confirmation question keeps the call waiting on its yes or no.
  if (opts.askedIfBot === undefined || d.action !== 'continue' || d.scriptSource === 'confirm' || d.doNotCall) return d;
  if (opts.askedIfBot === 'script') {
    // A side question: the lead stays where it was, and a question pending from the turn before is
    // dropped, as by any other answer than yes or no.
    const disclosed = decision(state, { route: 'script', action: 'continue', scriptSource: 'disclosure' });
    disclosed.disclosure = 'given';
    if (d.doNotCallCheck !== undefined) disclosed.doNotCallCheck = d.doNotCallCheck;
    return disclosed;
  }
  // No approved line says the bot is automated: nothing unapproved is ever said, so the caller gets a
  // person instead, by the campaign's ask_human route (DESIGN §3: transfer).
  const human = decideIntent(routes, 'ask_human', { ...state, pendingDoNotCall: undefined });
  human.answers = 'ask_human';
  human.disclosure = 'transferred';
  if (d.doNotCallCheck !== undefined) human.doNotCallCheck = d.doNotCallCheck;
  return human;
}

/** `decideTurn` for the intent alone, before an "are you a robot?" is answered. */
function decideIntent(
  routes: Campaign['routes'],
  intent: IntentName,
  state: PolicyState,
  opts: DecideOptions = {},
): TurnDecision {
  // The answer to the do-not-call question, like the one to the retention attempt, decides: yes (or
  // another do-not-call) lists the number, no answers what was said as its runner-up intent.
  const asked = state.pendingDoNotCall;
  if (asked !== undefined) {
    const cleared: PolicyState = { ...state, pendingDoNotCall: undefined };
    if (intent === 'affirm' || intent === 'do_not_call') {
      const listed = decideIntent(routes, 'do_not_call', cleared, {
        explicitDoNotCall: opts.explicitDoNotCall,
        noPhone: opts.noPhone,
      });
      listed.answers = 'do_not_call';
      return listed;
    }
    const declined = intent === 'deny';
    const d = decideIntent(routes, declined ? asked : intent, cleared);
    if (declined) d.answers = asked;
    d.doNotCallCheck = declined ? 'declined' : 'dropped';
    return d;
  }

  // A yes or a no answers the bot's last line, at that line's stage (DESIGN §3 "affirm, deny: by
  // context"); every other intent, and a line with no stage, goes by the lead's.
  const yesNo = intent === 'affirm' || intent === 'deny';
  const at = yesNo && opts.askedAt !== undefined && opts.askedAt !== 'closed' ? opts.askedAt : state.stage;
  const rule =
    intent === 'do_not_call' && opts.explicitDoNotCall ? ruleFor({}, intent, state.stage) : ruleFor(routes, intent, at);
  const lists = intent === 'do_not_call';
  if (lists && opts.confirmDoNotCall !== undefined) {
    // Listing is for good: ask first, and the call goes on meanwhile.
    return decision(state, {
      route: 'script',
      action: 'continue',
      scriptSource: 'confirm',
      pendingDoNotCall: opts.confirmDoNotCall,
      doNotCallCheck: 'confirming',
    });
  }

  // The answer to the retention attempt decides the call: yes re-engages, no says goodbye.
  if (state.pendingRetention && intent === 'affirm') {
    const affirm = ruleFor(routes, 'affirm', 'engaged');
    const stage = raise(state.stage, 'engaged');
    return decision(state, { route: affirm.route, action: affirm.action, stage, reached: stage });
  }
  if (state.pendingRetention && intent === 'deny') return goodbye(state, ACTION_REASONS.notInterested);

  if (intent === 'not_interested' && rule.action === 'continue') {
    // One retention attempt, then goodbye.
    if (state.retentionAttempted) return goodbye(state, ACTION_REASONS.notInterested);
    return decision(state, {
      route: rule.route,
      action: rule.action,
      scriptSource: 'retention',
      retentionAttempted: true,
      pendingRetention: true,
    });
  }

  let stage = raise(state.stage, RAISES[intent]);
  // affirm moves a lead one step on from the line it answers (a "yes" to the pitch or to a question about it):
  // a "yes" to the permission question gets the pitch, and only a "yes" to the pitch shows interest.
  if (intent === 'affirm') stage = raise(stage, at === 'engaged' ? 'interested' : 'engaged');
  const ends = rule.action !== 'continue';
  return decision(state, {
    route: rule.route,
    action: rule.action,
    // The warmest stage reached is what the lead showed this turn, even when the call ends on it.
    stage: ends ? 'closed' : stage,
    reached: stage,
    reason: ends ? (REASON_BY_INTENT[intent] ?? ACTION_REASONS.routeTable) : undefined,
    scriptSource: lists && opts.noPhone && rule.action === 'hangup' ? 'goodbye' : 'intent',
    doNotCall: lists,
    scheduleCallback: intent === 'busy_call_later' && rule.action === 'hangup',
    answersAt: at === state.stage ? undefined : at,
  });
}

/**
 * A decision: the given fields, the state's values for the rest. Built field by field rather than by
 * spreading a base decision: on Node 20's V8 an object spread followed by more properties takes a slow
 * runtime path (~0.6 us each; `decideTurn` cost ~7 us a call with five of them).
 */
function decision(
  state: PolicyState,
  d: Pick<TurnDecision, 'route' | 'action'> & Partial<Omit<TurnDecision, 'route' | 'action'>>,
): TurnDecision {
  const out: TurnDecision = {
    route: d.route,
    action: d.action,
    scriptSource: d.scriptSource ?? 'intent',
    stage: d.stage ?? state.stage,
    reached: d.reached ?? state.stage,
    retentionAttempted: d.retentionAttempted ?? state.retentionAttempted,
    pendingRetention: d.pendingRetention ?? false,
    doNotCall: d.doNotCall ?? false,
    scheduleCallback: d.scheduleCallback ?? false,
  };
  if (d.reason !== undefined) out.reason = d.reason;
  if (d.pendingDoNotCall !== undefined) out.pendingDoNotCall = d.pendingDoNotCall;
  if (d.doNotCallCheck !== undefined) out.doNotCallCheck = d.doNotCallCheck;
  if (d.answersAt !== undefined) out.answersAt = d.answersAt;
  return out;
}

/**
 * What call-centre agents are trained to do with an abusive caller: stay calm, say one short calming
 * line (the library's, `abuse` tag) and go on; when the abuse goes on to the campaign's
 * `abuseHangupAfter`-th abusive turn of the call, end it politely (goodbye, hangup, reason `abuse`).
 * Abuse is no opt-out, so nothing is listed. The lead stays where it was: nothing said was interest.
 * A library without a calming line ends the call at once rather than say an unapproved line or answer
 * the abuse with the route table's pitch.
 */
export function abusiveTurn(state: PolicyState, abuse: AbuseState): TurnDecision {
  if (abuse.count >= abuse.hangupAfter || !abuse.canCalm) return goodbye(state, ACTION_REASONS.abuse);
  return decision(state, { route: 'script', action: 'continue', scriptSource: 'abuse' });
}

/**
 * A caller who asks for the last line again (没听清, "pardon?"), checks the line (喂？听得到吗) or asks the
 * bot to wait (你等一下, "hold on") asked nothing of the product: the line is said again, or the wait
 * acknowledged, and the call stays where it was. The lead's stage does not move, and what the last line
 * asked stays open (the retention attempt, the do-not-call question), since it is said again or still
 * waits for its answer. Not a fallback (the pipeline leaves the count of fallbacks in a row as it was).
 */
function askedOfTheCall(state: PolicyState, asked: 'repeat' | 'hold'): TurnDecision {
  return decision(state, {
    route: 'script',
    action: 'continue',
    scriptSource: asked,
    pendingRetention: state.pendingRetention,
    pendingDoNotCall: state.pendingDoNotCall,
  });
}

function goodbye(state: PolicyState, reason: ActionReason): TurnDecision {
  return decision(state, { route: 'script', action: 'hangup', reason, scriptSource: 'goodbye', stage: 'closed' });
}

/**
 * After the candidate is known: count consecutive fallbacks and escalate at the campaign's limit
 * (DESIGN §3 out_of_scope). Returns the (possibly escalated) action and the new count.
 */
export function applyFallbackEscalation(
  campaign: Pick<Campaign, 'maxConsecutiveFallbacks' | 'fallbackEscalation'>,
  decision: Pick<TurnDecision, 'action' | 'reason' | 'stage'>,
  wasFallback: boolean,
  previous: number,
): { action: Action; reason?: ActionReason; stage: LeadStage; consecutiveFallbacks: number } {
  const count = wasFallback ? previous + 1 : 0;
  if (wasFallback && decision.action === 'continue' && count >= campaign.maxConsecutiveFallbacks) {
    return {
      action: campaign.fallbackEscalation,
      reason: ACTION_REASONS.consecutiveFallbacks,
      stage: 'closed',
      consecutiveFallbacks: count,
    };
  }
  return { action: decision.action, reason: decision.reason, stage: decision.stage, consecutiveFallbacks: count };
}

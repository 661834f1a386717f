import { applyFallbackEscalation, decideTurn, ruleFor, type PolicyState } from './dialogue-policy.js';

const fresh: PolicyState = {
  stage: 'new',
  retentionAttempted: false,
  pendingRetention: false,
  consecutiveFallbacks: 0,
};
const at = (stage: PolicyState['stage'], extra: Partial<PolicyState> = {}): PolicyState => ({
  ...fresh,
  stage,
  ...extra,
});

describe('decideTurn: "are you a robot?" (README "Are you a robot?")', () => {
  it('answers with the disclosure script: continue, the lead stage unchanged, whatever the intent', () => {
    for (const intent of ['ask_company', 'out_of_scope', 'not_interested', 'ask_price', 'affirm'] as const) {
      const d = decideTurn({}, intent, at('engaged', { pendingRetention: true }), { askedIfBot: 'script' });
      expect(d).toMatchObject({
        route: 'script',
        action: 'continue',
        scriptSource: 'disclosure',
        stage: 'engaged',
        reached: 'engaged',
        disclosure: 'given',
        pendingRetention: false,
        retentionAttempted: false,
        doNotCall: false,
      });
    }
  });

  it('without a disclosure script hands the call to a person by the ask_human route', () => {
    const d = decideTurn({}, 'ask_company', at('engaged'), { askedIfBot: 'human' });
    expect(d).toMatchObject({
      route: 'script',
      action: 'transfer',
      reason: 'ask_human',
      answers: 'ask_human',
      stage: 'closed',
      reached: 'engaged',
      disclosure: 'transferred',
    });
  });

  it('leaves a turn that ends or hands over the call, or asks to confirm a do-not-call, as it was', () => {
    const dnc = decideTurn({}, 'do_not_call', at('new'), { askedIfBot: 'script', explicitDoNotCall: true });
    expect(dnc).toMatchObject({ action: 'hangup', doNotCall: true });
    expect(dnc.disclosure).toBeUndefined();
    expect(decideTurn({}, 'ask_human', at('new'), { askedIfBot: 'script' })).toMatchObject({ action: 'transfer' });
    expect(decideTurn({}, 'busy_call_later', at('new'), { askedIfBot: 'script' })).toMatchObject({ action: 'hangup' });
    const asking = decideTurn({}, 'do_not_call', at('new'), { askedIfBot: 'script', confirmDoNotCall: 'deny' });
    expect(asking).toMatchObject({ scriptSource: 'confirm', doNotCallCheck: 'confirming' });
    // An abusive turn is met by the abuse step.
    const abusive = decideTurn({}, 'ask_company', at('new'), {
      askedIfBot: 'script',
      abuse: { count: 1, hangupAfter: 2, canCalm: true },
    });
    expect(abusive).toMatchObject({ scriptSource: 'abuse' });
    expect(abusive.disclosure).toBeUndefined();
    // Without the question the turn is the intent's own.
    expect(decideTurn({}, 'ask_company', at('new')).disclosure).toBeUndefined();
  });

  it('drops a do-not-call question pending from the turn before, as any answer but yes or no does', () => {
    const d = decideTurn({}, 'ask_company', at('new', { pendingDoNotCall: 'objection_price' }), {
      askedIfBot: 'script',
    });
    expect(d).toMatchObject({ scriptSource: 'disclosure', doNotCallCheck: 'dropped', disclosure: 'given' });
    expect(d.pendingDoNotCall).toBeUndefined();
  });
});

describe('decideTurn (DESIGN §3 route table, lead stages, actions)', () => {
  it('routes interest to the generator and raises the lead to interested', () => {
    for (const intent of [
      'interested',
      'ask_price',
      'ask_product_detail',
      'objection_price',
      'objection_trust',
    ] as const) {
      const d = decideTurn({}, intent, at('engaged'));
      expect(d).toMatchObject({ route: 'generator', action: 'continue', stage: 'interested' });
    }
  });

  it('never lowers a stage: an objection from a hot lead stays hot', () => {
    expect(decideTurn({}, 'objection_price', at('hot')).stage).toBe('hot');
  });

  it('affirm/deny are scripted for a new lead and generated once engaged', () => {
    expect(decideTurn({}, 'affirm', at('new'))).toMatchObject({ route: 'script', stage: 'engaged' });
    expect(decideTurn({}, 'affirm', at('engaged'))).toMatchObject({ route: 'generator', stage: 'interested' });
    expect(decideTurn({}, 'deny', at('new'))).toMatchObject({ route: 'script', stage: 'new' });
    expect(decideTurn({}, 'deny', at('interested'))).toMatchObject({ route: 'generator', stage: 'interested' });
  });

  it('ready_to_buy transfers a hot lead and closes the conversation', () => {
    expect(decideTurn({}, 'ready_to_buy', at('interested'))).toMatchObject({
      route: 'script',
      action: 'transfer',
      reason: 'ready_to_buy',
      stage: 'closed',
      reached: 'hot',
    });
  });

  it('not_interested: one retention attempt, then goodbye and hangup', () => {
    const first = decideTurn({}, 'not_interested', at('engaged'));
    expect(first).toMatchObject({
      action: 'continue',
      scriptSource: 'retention',
      retentionAttempted: true,
      pendingRetention: true,
    });
    const second = decideTurn({}, 'not_interested', at('engaged', { retentionAttempted: true }));
    expect(second).toMatchObject({
      action: 'hangup',
      scriptSource: 'goodbye',
      reason: 'not_interested',
      stage: 'closed',
    });
  });

  it('a yes or no answers the stage of the line it replies to (askedAt), other intents the lead stage', () => {
    // The greeting raised the lead to engaged; the greeting's reply (stage new) asked permission to pitch.
    expect(decideTurn({}, 'affirm', at('engaged'), { askedAt: 'new' })).toMatchObject({
      route: 'script',
      stage: 'engaged',
      answersAt: 'new',
    });
    expect(decideTurn({}, 'deny', at('engaged'), { askedAt: 'new' })).toMatchObject({
      route: 'script',
      answersAt: 'new',
    });
    // A yes to the pitch (a stage engaged line) shows interest; the same stage leaves answersAt unset.
    const pitched = decideTurn({}, 'affirm', at('engaged'), { askedAt: 'engaged' });
    expect(pitched).toMatchObject({ route: 'generator', stage: 'interested' });
    expect(pitched.answersAt).toBeUndefined();
    expect(decideTurn({}, 'ask_price', at('engaged'), { askedAt: 'new' }).answersAt).toBeUndefined();
    expect(decideTurn({}, 'affirm', at('engaged'), { askedAt: 'closed' }).answersAt).toBeUndefined();
  });

  it('answers to the retention attempt depend on it: deny says goodbye, affirm re-engages', () => {
    const pending = at('new', { retentionAttempted: true, pendingRetention: true });
    expect(decideTurn({}, 'deny', pending)).toMatchObject({ action: 'hangup', scriptSource: 'goodbye' });
    expect(decideTurn({}, 'affirm', pending)).toMatchObject({
      action: 'continue',
      route: 'generator',
      stage: 'engaged',
      pendingRetention: false,
    });
  });

  it('busy_call_later hangs up and schedules a callback; do_not_call hangs up and lists the number', () => {
    expect(decideTurn({}, 'busy_call_later', at('engaged'))).toMatchObject({
      action: 'hangup',
      scheduleCallback: true,
      doNotCall: false,
    });
    expect(decideTurn({}, 'do_not_call', at('engaged'))).toMatchObject({
      action: 'hangup',
      doNotCall: true,
      reason: 'do_not_call',
    });
    expect(decideTurn({}, 'wrong_person', at('new'))).toMatchObject({ action: 'hangup', reason: 'wrong_person' });
  });

  it('an unsure do_not_call asks first: the call goes on, nothing listed, the runner-up kept', () => {
    const asking = decideTurn({}, 'do_not_call', at('engaged'), { confirmDoNotCall: 'objection_price' });
    expect(asking).toMatchObject({
      route: 'script',
      action: 'continue',
      scriptSource: 'confirm',
      stage: 'engaged',
      doNotCall: false,
      pendingDoNotCall: 'objection_price',
      doNotCallCheck: 'confirming',
    });
    // Only a do_not_call is asked about.
    expect(decideTurn({}, 'ask_price', at('new'), { confirmDoNotCall: 'deny' }).pendingDoNotCall).toBeUndefined();
  });

  it('a do_not_call lists whatever its route; an unsure one is asked about on any route', () => {
    const goesOn = { do_not_call: { route: 'script' as const, action: 'continue' as const } };
    const transfers = { do_not_call: { route: 'script' as const, action: 'transfer' as const } };
    for (const routes of [goesOn, transfers]) {
      // Sure: listed, and the route decides the action.
      expect(decideTurn(routes, 'do_not_call', at('engaged'))).toMatchObject({
        action: routes.do_not_call.action,
        doNotCall: true,
        scriptSource: 'intent',
      });
      // Without a phone number, no goodbye on a call that goes on or transfers.
      expect(decideTurn(routes, 'do_not_call', at('engaged'), { noPhone: true }).scriptSource).toBe('intent');
      const asking = decideTurn(routes, 'do_not_call', at('engaged'), { confirmDoNotCall: 'objection_price' });
      expect(asking).toMatchObject({ action: 'continue', scriptSource: 'confirm', doNotCall: false });
      expect(asking.pendingDoNotCall).toBe('objection_price');
      const pending = at('engaged', { pendingDoNotCall: 'objection_price' });
      expect(decideTurn(routes, 'affirm', pending)).toMatchObject({
        action: routes.do_not_call.action,
        doNotCall: true,
        answers: 'do_not_call',
      });
      // An explicit request (input screening) takes the DESIGN §1 step 2 row whatever the route, also
      // when it answers the question.
      for (const state of [at('engaged'), pending]) {
        expect(decideTurn(routes, 'do_not_call', state, { explicitDoNotCall: true })).toMatchObject({
          route: 'script',
          action: 'hangup',
          doNotCall: true,
          reason: 'do_not_call',
        });
      }
    }
  });

  it('a do_not_call without a phone number says the goodbye (the intent’s lines announce a listing)', () => {
    expect(decideTurn({}, 'do_not_call', at('new'), { noPhone: true })).toMatchObject({
      action: 'hangup',
      doNotCall: true,
      scriptSource: 'goodbye',
    });
    const yes = decideTurn({}, 'affirm', at('new', { pendingDoNotCall: 'objection_price' }), { noPhone: true });
    expect(yes).toMatchObject({ action: 'hangup', doNotCall: true, scriptSource: 'goodbye', answers: 'do_not_call' });
  });

  it('the answer to the do-not-call question: yes or do_not_call lists, no answers the runner-up, else drops it', () => {
    const pending = at('engaged', { pendingDoNotCall: 'objection_price' });
    for (const yes of ['affirm', 'do_not_call'] as const) {
      const d = decideTurn({}, yes, pending, { confirmDoNotCall: 'deny' });
      expect(d).toMatchObject({ action: 'hangup', doNotCall: true, reason: 'do_not_call', stage: 'closed' });
      expect(d.answers).toBe('do_not_call');
      expect(d.pendingDoNotCall).toBeUndefined();
    }
    const no = decideTurn({}, 'deny', pending);
    expect(no).toMatchObject({ route: 'generator', action: 'continue', doNotCall: false, answers: 'objection_price' });
    expect(no).toMatchObject({ stage: 'interested', doNotCallCheck: 'declined' });
    expect(no.pendingDoNotCall).toBeUndefined();
    const other = decideTurn({}, 'ask_company', pending);
    expect(other).toMatchObject({ route: 'script', action: 'continue', doNotCall: false, doNotCallCheck: 'dropped' });
    expect(other.answers).toBeUndefined();
    expect(other.pendingDoNotCall).toBeUndefined();
  });

  it('ask_human and complaint transfer', () => {
    expect(decideTurn({}, 'ask_human', at('new'))).toMatchObject({ action: 'transfer', reason: 'ask_human' });
    expect(decideTurn({}, 'complaint', at('new'))).toMatchObject({ action: 'transfer', reason: 'complaint' });
  });

  it('the campaign route table overrides the defaults', () => {
    const routes = { ask_price: { route: 'script' as const, action: 'continue' as const } };
    expect(decideTurn(routes, 'ask_price', at('engaged')).route).toBe('script');
    // An override without retention (hangup at once) is honoured too.
    const strict = { not_interested: { route: 'script' as const, action: 'hangup' as const } };
    expect(decideTurn(strict, 'not_interested', at('engaged'))).toMatchObject({
      action: 'hangup',
      retentionAttempted: false,
    });
  });

  it('out_of_scope goes to the fallback route', () => {
    expect(ruleFor({}, 'out_of_scope', 'engaged')).toEqual({ route: 'fallback', action: 'continue' });
  });
});

describe('decideTurn: an abusive caller (input screening found abuse)', () => {
  const abuse = (count: number, hangupAfter = 2, canCalm = true) => ({ abuse: { count, hangupAfter, canCalm } });

  it('the first abusive turn hears the calming line, whatever the model read: no pitch, the lead stays', () => {
    for (const intent of ['ask_product_detail', 'objection_trust', 'out_of_scope', 'ready_to_buy'] as const) {
      const d = decideTurn({}, intent, at('engaged'), abuse(1));
      expect(d).toMatchObject({ route: 'script', action: 'continue', scriptSource: 'abuse', stage: 'engaged' });
      expect(d).toMatchObject({ reached: 'engaged', doNotCall: false, scheduleCallback: false });
      expect(d.reason).toBeUndefined();
    }
  });

  it('the abuseHangupAfter-th abusive turn ends the call politely: goodbye, hangup, reason abuse, nothing listed', () => {
    expect(decideTurn({}, 'objection_trust', at('interested'), abuse(2))).toMatchObject({
      route: 'script',
      action: 'hangup',
      reason: 'abuse',
      scriptSource: 'goodbye',
      stage: 'closed',
      reached: 'interested',
      doNotCall: false,
    });
    expect(decideTurn({}, 'greeting', at('new'), abuse(5, 4))).toMatchObject({ action: 'hangup', reason: 'abuse' });
    expect(decideTurn({}, 'greeting', at('new'), abuse(3, 4))).toMatchObject({ action: 'continue' });
  });

  it('abuseHangupAfter 1 hangs up on the first abusive turn', () => {
    expect(decideTurn({}, 'ask_price', at('new'), abuse(1, 1))).toMatchObject({ action: 'hangup', reason: 'abuse' });
  });

  it('a library without a calming line hangs up at once rather than answer the abuse', () => {
    expect(decideTurn({}, 'ask_price', at('new'), abuse(1, 2, false))).toMatchObject({
      action: 'hangup',
      reason: 'abuse',
      scriptSource: 'goodbye',
    });
  });

  it('comes before the answer to a pending question: the retention offer and the do-not-call question', () => {
    const retention = decideTurn({}, 'affirm', at('engaged', { pendingRetention: true }), abuse(1));
    expect(retention).toMatchObject({ scriptSource: 'abuse', action: 'continue', pendingRetention: false });
    const asked = decideTurn({}, 'affirm', at('engaged', { pendingDoNotCall: 'ask_price' }), abuse(1));
    expect(asked).toMatchObject({ scriptSource: 'abuse', doNotCall: false });
    expect(asked.pendingDoNotCall).toBeUndefined();
  });

  it('an explicit do-not-call request in the same utterance wins: listed, goodbye, reason do_not_call', () => {
    const d = decideTurn({}, 'do_not_call', at('engaged'), { explicitDoNotCall: true, ...abuse(1) });
    expect(d).toMatchObject({ action: 'hangup', reason: 'do_not_call', doNotCall: true });
  });
});

describe('decideTurn: a caller who only says goodbye (screening found nothing but closings and fillers)', () => {
  const bye = { callerGoodbye: true };

  it('hears the goodbye and the call ends, whatever the model read: reason caller_goodbye, nothing listed', () => {
    for (const intent of ['do_not_call', 'not_interested', 'affirm', 'out_of_scope', 'busy_call_later'] as const) {
      const d = decideTurn({}, intent, at('engaged'), bye);
      expect(d).toMatchObject({ route: 'script', action: 'hangup', reason: 'caller_goodbye', scriptSource: 'goodbye' });
      expect(d).toMatchObject({ stage: 'closed', reached: 'engaged', doNotCall: false, scheduleCallback: false });
      expect(d.pendingDoNotCall).toBeUndefined();
      expect(d.doNotCallCheck).toBeUndefined();
    }
  });

  it('asks no retention question and drops a pending one: the do-not-call question is dropped, not answered', () => {
    const retention = decideTurn({}, 'affirm', at('engaged', { pendingRetention: true }), bye);
    expect(retention).toMatchObject({ action: 'hangup', reason: 'caller_goodbye', pendingRetention: false });
    const asked = decideTurn({}, 'affirm', at('engaged', { pendingDoNotCall: 'ask_price' }), bye);
    expect(asked).toMatchObject({
      action: 'hangup',
      reason: 'caller_goodbye',
      doNotCall: false,
      doNotCallCheck: 'dropped',
    });
    expect(asked.pendingDoNotCall).toBeUndefined();
  });

  it('an explicit do-not-call request in the same utterance wins: listed, reason do_not_call', () => {
    const d = decideTurn({}, 'do_not_call', at('engaged'), { explicitDoNotCall: true, ...bye });
    expect(d).toMatchObject({ action: 'hangup', reason: 'do_not_call', doNotCall: true });
  });
});

describe('applyFallbackEscalation', () => {
  const campaign = { maxConsecutiveFallbacks: 3, fallbackEscalation: 'transfer' as const };
  const cont = { action: 'continue' as const, stage: 'engaged' as const };

  it('counts consecutive fallbacks and escalates at the limit', () => {
    expect(applyFallbackEscalation(campaign, cont, true, 0)).toMatchObject({
      action: 'continue',
      consecutiveFallbacks: 1,
    });
    expect(applyFallbackEscalation(campaign, cont, true, 1)).toMatchObject({
      action: 'continue',
      consecutiveFallbacks: 2,
    });
    expect(applyFallbackEscalation(campaign, cont, true, 2)).toMatchObject({
      action: 'transfer',
      reason: 'consecutive_fallbacks',
      stage: 'closed',
      consecutiveFallbacks: 3,
    });
  });

  it('a matched reply resets the count; hangup escalation is honoured', () => {
    expect(applyFallbackEscalation(campaign, cont, false, 2).consecutiveFallbacks).toBe(0);
    expect(applyFallbackEscalation({ ...campaign, fallbackEscalation: 'hangup' }, cont, true, 2).action).toBe('hangup');
  });
});

describe('decideTurn: a caller who asks for the last line again or asks the bot to wait', () => {
  it('says the line again (or acknowledges the wait) whatever the model read, and the call stays where it was', () => {
    for (const asked of ['repeat', 'hold'] as const) {
      for (const intent of ['out_of_scope', 'greeting', 'ask_company'] as const) {
        const d = decideTurn({}, intent, at('interested'), { callerAsks: asked });
        expect(d).toMatchObject({ route: 'script', action: 'continue', scriptSource: asked });
        expect(d).toMatchObject({ stage: 'interested', reached: 'interested', doNotCall: false });
      }
    }
  });

  it('keeps what the last line asked open: the retention attempt and the do-not-call question', () => {
    const retention = decideTurn({}, 'out_of_scope', at('engaged', { pendingRetention: true }), {
      callerAsks: 'repeat',
    });
    expect(retention).toMatchObject({ pendingRetention: true, scriptSource: 'repeat' });
    const asked = decideTurn({}, 'out_of_scope', at('engaged', { pendingDoNotCall: 'ask_price' }), {
      callerAsks: 'hold',
    });
    expect(asked).toMatchObject({ pendingDoNotCall: 'ask_price', scriptSource: 'hold' });
    expect(asked.doNotCallCheck).toBeUndefined();
  });

  it('an abusive turn is still met by the abuse step', () => {
    const d = decideTurn({}, 'out_of_scope', at('engaged'), {
      callerAsks: 'repeat',
      abuse: { count: 1, hangupAfter: 2, canCalm: true },
    });
    expect(d.scriptSource).toBe('abuse');
  });
});

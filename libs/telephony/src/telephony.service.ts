import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { HuashuException, MetricsRegistry, nowMs, withDeadline } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import {
  canonicalLanguage,
  DIALOGUE,
  joinParts,
  type DialoguePort,
  type Reply,
  type TurnResult,
} from '@huashu/dialogue';
import { withoutSilent } from '@huashu/scripts';
import { BARGE_IN_RECORDER, type BargeInRecorder } from './barge-in.recorder.js';
import { callerNumber } from './caller-number.js';
import { CallSessionStore, type CallState } from './call-session.store.js';
import { speechLanguage, textLanguage } from './language.js';
import {
  DTMF_ACTIONS,
  TELEPHONY_CAMPAIGNS,
  TELEPHONY_LIMITS,
  TELEPHONY_REASONS,
  type CampaignLookup,
} from './telephony.constants.js';
import {
  TELEPHONY_EVENTS,
  type CallStart,
  type SaySink,
  type TelephonyEvent,
  type TelephonyOutcome,
  type TelephonyPlatform,
} from './telephony-event.js';

class TurnDeadlineError extends Error {
  constructor() {
    super('telephony turn deadline passed');
    this.name = 'TurnDeadlineError';
  }
}

const DEFAULT_CAMPAIGN = 'default';

/** What the caller hears, in the language of its own text (the call's language otherwise). */
const spoken = (text: string, state: CallState) => ({ text, language: textLanguage(text, state.language) });

/** What the caller hears of the line a call ends on (`finish` with `announce`), if there is one. */
const announced = (line: Reply | undefined, state: CallState) =>
  line ? { say: spoken(line.text, state), scriptId: line.scriptId } : {};

/** Reject as soon as `signal` aborts, so a barged-in turn never answers even if the work ignores it. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Call handling shared by every adapter: starts the dialogue for a new call, turns internal events
 * into dialogue turns under the phone deadline, and maps each TurnResult to what the platform must
 * do. Barge-in cancels an in-flight turn (the generator request stops with it).
 */
@Injectable()
export class TelephonyService {
  private readonly logger = new Logger('Telephony');
  /** In-flight turns of this process by call key, so a barge-in can cancel generation. */
  private readonly inflight = new Map<string, AbortController>();
  /** Barge-in notes still being written, by call key: the next turn waits for them. */
  private readonly notes = new Map<string, Promise<void>>();
  private readonly events: Counter<'platform' | 'type'>;
  private readonly latency: Histogram<'platform' | 'action'>;

  constructor(
    @Inject(DIALOGUE) private readonly dialogue: DialoguePort,
    @Inject(TELEPHONY_CAMPAIGNS) private readonly campaigns: CampaignLookup,
    private readonly store: CallSessionStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsRegistry,
    @Optional() @Inject(BARGE_IN_RECORDER) private readonly bargeIn?: BargeInRecorder,
  ) {
    this.events = new Counter({
      name: 'huashu_telephony_events_total',
      help: 'Telephony events by platform and internal event type',
      labelNames: ['platform', 'type'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'huashu_telephony_event_seconds',
      help: 'Time from a telephony event to the platform answer, by platform and action',
      labelNames: ['platform', 'action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5],
      registers: [metrics.registry],
    });
  }

  /** Campaign ids the platforms may address (Genesys lists them as bots). */
  listCampaigns(): Promise<string[]> {
    return this.campaigns.list();
  }

  campaign(id: string) {
    return this.campaigns.get(id);
  }

  async campaignExists(id: string): Promise<boolean> {
    return id === DEFAULT_CAMPAIGN || (await this.campaigns.exists(id));
  }

  /** Call state, or undefined for a call this deployment never started (→ 404 where the protocol has one). */
  call(platform: TelephonyPlatform, callId: string): Promise<CallState | undefined> {
    return this.store.get(platform, callId);
  }

  /**
   * Start the dialogue for a new call and return the greeting. Idempotent per call id: a retried
   * start returns the existing conversation's opening again instead of a second conversation.
   */
  /**
   * Register a call the platform announced before its start event (AudioCodes create). The dialogue
   * starts on the platform's start event, which carries the caller number (do-not-call check).
   */
  async reserveCall(platform: TelephonyPlatform, callId: string, campaignId?: string): Promise<void> {
    const id = campaignId ?? DEFAULT_CAMPAIGN;
    const campaign = await this.campaigns.get(id);
    await this.store.create(platform, callId, {
      conversationId: '',
      campaignId: id,
      language: speechLanguage(campaign.language),
      transferTarget: campaign.transferTarget,
      noInputCount: 0,
      ended: false,
    });
  }

  /**
   * The platform's limit on the whole session (Genesys `botSessionTimeout`): the call's state lapses
   * that long after the session started, however active it is; a later message then starts a new
   * conversation. The first call fixes the deadline in the state (every later save keeps to it);
   * each call also lets the start's de-duplication record lapse with it.
   */
  async sessionLimit(platform: TelephonyPlatform, callId: string, seconds: number): Promise<void> {
    const state = await this.store.get(platform, callId);
    if (!state) return;
    const now = Date.now();
    if (state.expiresAt === undefined) {
      state.expiresAt = now + seconds * 1000;
      await this.store.save(platform, callId, state);
    }
    await this.store.expireAfter(platform, callId, Math.ceil((state.expiresAt - now) / 1000));
  }

  /** Keep a call's state alive (platform keep-alive). */
  async touch(platform: TelephonyPlatform, callId: string): Promise<void> {
    const state = await this.store.get(platform, callId);
    if (state) await this.store.save(platform, callId, state);
  }

  /**
   * Start the dialogue for a new call and return the greeting. Idempotent per call id: a retried
   * start returns the existing conversation's opening again instead of a second conversation.
   */
  async startCall(platform: TelephonyPlatform, callId: string, start: CallStart): Promise<TelephonyOutcome> {
    const t0 = nowMs();
    this.events.inc({ platform, type: 'start' });
    const existing = await this.store.get(platform, callId);
    if (existing?.conversationId) return this.repeat(existing, false);
    if (!(await this.store.claim(platform, callId, 'start'))) {
      // A concurrent delivery of the same start is running: answer with its outcome.
      const first = await this.store.recall(platform, callId, 'start', TELEPHONY_LIMITS.duplicateWaitMs);
      if (first) return first;
      throw new HuashuException('CONVERSATION_BUSY', 'call start in progress; retry');
    }
    let outcome: TelephonyOutcome;
    try {
      outcome = await this.doStart(platform, callId, start, existing);
    } catch (err) {
      // The start failed before it had an outcome: give the claim back, so the platform's retry (or
      // the call's next event) starts the call instead of being told "in progress" for the TTL.
      await this.release(platform, callId, 'start');
      throw err;
    }
    await this.store.remember(platform, callId, 'start', outcome);
    this.observe(platform, outcome, t0);
    return outcome;
  }

  private async doStart(
    platform: TelephonyPlatform,
    callId: string,
    start: CallStart,
    reserved: CallState | undefined,
  ): Promise<TelephonyOutcome> {
    const campaignId = start.campaignId ?? reserved?.campaignId ?? DEFAULT_CAMPAIGN;
    const campaign = await this.campaigns.get(campaignId);
    const language = speechLanguage(campaign.language);
    // A platform language that is no BCP-47 tag is left out rather than failing the call's start.
    const hint = canonicalLanguage(start.language);
    // A hidden or unusual caller ID is no reason to refuse a call: it goes on without a number (the
    // metadata says why, never the raw value).
    const caller = callerNumber(start.phone, campaign.language);
    const customer = { ...(caller.phone ? { phone: caller.phone } : {}), ...(hint ? { language: hint } : {}) };
    let started;
    try {
      started = await this.dialogue.start({
        campaignId,
        channel: 'phone',
        customer: Object.keys(customer).length > 0 ? customer : undefined,
        metadata: {
          ...start.metadata,
          platform,
          callId,
          ...(caller.withheld ? { callerNumber: caller.withheld } : {}),
        },
      });
    } catch (err) {
      const refused =
        err instanceof HuashuException && (err.code === 'DO_NOT_CALL' || err.code === 'CAMPAIGN_NOT_READY');
      if (refused) {
        // A listed number is not spoken to at all, nor is anyone on a campaign with nothing approved
        // to say: hang up without a greeting.
        const reason =
          err.code === 'DO_NOT_CALL' ? TELEPHONY_REASONS.DO_NOT_CALL : TELEPHONY_REASONS.CAMPAIGN_NOT_READY;
        if (err.code === 'CAMPAIGN_NOT_READY') this.logger.warn({ campaignId, platform, callId }, err.message);
        await this.store.save(platform, callId, {
          conversationId: '',
          campaignId,
          language,
          noInputCount: 0,
          ended: true,
          dialogueEnded: true,
          endReason: reason,
        });
        return {
          conversationId: '',
          action: 'hangup',
          hangup: { reason },
          degraded: false,
          reprompt: false,
        };
      }
      throw err;
    }
    await this.store.save(platform, callId, {
      conversationId: started.conversationId,
      campaignId,
      language,
      transferTarget: campaign.transferTarget,
      lastSay: started.reply?.text,
      noInputCount: 0,
      ended: false,
    });
    return {
      conversationId: started.conversationId,
      say: started.reply
        ? { text: started.reply.text, language: textLanguage(started.reply.text, language) }
        : undefined,
      action: 'continue',
      scriptId: started.reply?.scriptId,
      turn: 0,
      degraded: false,
      reprompt: false,
    };
  }

  /**
   * Handle one event of a started call. `eventId` (when the platform provides one) makes retries
   * idempotent: a duplicate gets the first delivery's outcome. Returns undefined for an unknown call.
   * With `onSay` (streaming transports), a turn's approved pieces go to it as soon as each is matched
   * and the outcome says `streamed`; without, the reply comes whole in the outcome.
   */
  async handle(
    platform: TelephonyPlatform,
    callId: string,
    event: TelephonyEvent,
    eventId?: string,
    onSay?: SaySink,
  ): Promise<TelephonyOutcome | undefined> {
    const t0 = nowMs();
    let state = await this.store.get(platform, callId);
    if (!state) return undefined;
    if (!state.conversationId && !state.ended) {
      // The platform skipped its start event: start the dialogue now, then handle the event.
      await this.startCall(platform, callId, {});
      state = await this.store.get(platform, callId);
      if (!state) return undefined;
    }
    this.events.inc({ platform, type: event.type });
    if (eventId && !(await this.store.claim(platform, callId, eventId))) {
      const first = await this.store.recall(platform, callId, eventId, TELEPHONY_LIMITS.duplicateWaitMs);
      this.events.inc({ platform, type: 'duplicate' });
      if (!first) return { conversationId: state.conversationId, action: 'none', degraded: false, reprompt: false };
      // A replay was not streamed to this delivery: it gets the whole reply.
      return { ...first, streamed: undefined };
    }
    let outcome: TelephonyOutcome;
    try {
      outcome = await this.dispatch(platform, callId, state, event, onSay);
    } catch (err) {
      // As for a start: a failed event is not "answered", its retry must run it again.
      if (eventId) await this.release(platform, callId, eventId);
      throw err;
    }
    if (eventId) await this.store.remember(platform, callId, eventId, outcome);
    this.observe(platform, outcome, t0);
    return outcome;
  }

  /** The platform ended the call (hangup, disconnect, session end). Idempotent. */
  async endCall(platform: TelephonyPlatform, callId: string, cause: string): Promise<boolean> {
    const state = await this.store.get(platform, callId);
    if (!state) return false;
    await this.finish(platform, callId, state, cause);
    return true;
  }

  private async dispatch(
    platform: TelephonyPlatform,
    callId: string,
    state: CallState,
    event: TelephonyEvent,
    onSay?: SaySink,
  ): Promise<TelephonyOutcome> {
    const none: TelephonyOutcome = {
      conversationId: state.conversationId,
      action: 'none',
      degraded: false,
      reprompt: false,
    };
    if (state.ended && event.type !== TELEPHONY_EVENTS.HANGUP && event.type !== TELEPHONY_EVENTS.TRANSFER_RESULT) {
      return { ...none, action: 'hangup', hangup: { reason: state.endReason ?? 'ended' } };
    }
    switch (event.type) {
      case TELEPHONY_EVENTS.USER_TEXT: {
        if (!event.final) {
          state.partial = event.text.slice(0, TELEPHONY_LIMITS.maxUtteranceChars);
          await this.store.save(platform, callId, state);
          return none;
        }
        // Controls alone (a platform's stray NUL) say nothing: a silence, as the dialogue would refuse them.
        const text = withoutSilent(event.text).trim().slice(0, TELEPHONY_LIMITS.maxUtteranceChars);
        if (text === '') return this.reprompt(platform, callId, state);
        return this.turn(platform, callId, state, text, onSay);
      }
      case TELEPHONY_EVENTS.BARGE_IN: {
        // The caller talked over the reply: stop any generation still running for this call and
        // keep only what was actually heard as the last thing said.
        const inflight = this.inflight.get(this.callKey(platform, callId));
        inflight?.abort(new Error('barge-in'));
        state.heard = event.heard;
        await this.store.save(platform, callId, state);
        // Truncate the record to what was heard (after the aborted turn, if any, has committed).
        // Never blocks the platform's answer; a failure only loses the note.
        const key = this.callKey(platform, callId);
        const recording = this.bargeIn
          ?.record(state.conversationId, event.heard)
          .catch((err: unknown) => {
            this.logger.warn({ err, conversationId: state.conversationId }, 'barge-in not recorded');
          })
          .finally(() => {
            if (this.notes.get(key) === recording) this.notes.delete(key);
          });
        if (recording) this.notes.set(key, recording);
        if (!inflight) await recording;
        return none;
      }
      case TELEPHONY_EVENTS.DTMF: {
        const action = DTMF_ACTIONS[event.digits.slice(-1) as keyof typeof DTMF_ACTIONS];
        if (action === 'transfer') {
          // The caller hears the transfer announced before the line goes quiet for the agent.
          // Marked before `finish`, whose save then records it (no second write of the state).
          state.transferring = true;
          const line = await this.finish(platform, callId, state, TELEPHONY_REASONS.DTMF_AGENT, 'transfer');
          return {
            ...none,
            ...announced(line, state),
            action: 'transfer',
            transfer: { target: state.transferTarget, reason: TELEPHONY_REASONS.DTMF_AGENT },
          };
        }
        return this.reprompt(platform, callId, state);
      }
      case TELEPHONY_EVENTS.NO_INPUT: {
        state.noInputCount = Math.max(state.noInputCount + 1, event.count);
        if (state.noInputCount >= TELEPHONY_LIMITS.maxNoInput) {
          // The call ends politely: the goodbye, not a silent hangup.
          const line = await this.finish(platform, callId, state, TELEPHONY_REASONS.NO_INPUT, 'hangup');
          return {
            ...none,
            ...announced(line, state),
            action: 'hangup',
            hangup: { reason: TELEPHONY_REASONS.NO_INPUT },
          };
        }
        return this.reprompt(platform, callId, state);
      }
      case TELEPHONY_EVENTS.HANGUP:
        await this.finish(platform, callId, state, event.cause || TELEPHONY_REASONS.CALLER_HANGUP);
        return { ...none, action: 'hangup', hangup: { reason: event.cause || TELEPHONY_REASONS.CALLER_HANGUP } };
      case TELEPHONY_EVENTS.TRANSFER_RESULT:
        if (event.status === 'answered') {
          state.transferring = undefined;
          await this.finish(platform, callId, state, TELEPHONY_REASONS.TRANSFERRED);
          return none;
        }
        if (!state.transferring) {
          // No transfer of ours is pending (a late or stray report): nothing changes.
          return state.ended ? this.repeat(state, false) : none;
        }
        return this.transferFailed(platform, callId, state, event.reason);
    }
  }

  /**
   * The bot takes the call back after a failed transfer (busy, no answer): the conversation is
   * reopened and the caller hears the library's apology, not the transfer promise again, and goes on.
   */
  private async transferFailed(
    platform: TelephonyPlatform,
    callId: string,
    state: CallState,
    why: string | undefined,
  ): Promise<TelephonyOutcome> {
    let reply;
    try {
      reply = await this.dialogue.reopen(state.conversationId, TELEPHONY_REASONS.TRANSFER_FAILED);
    } catch (err) {
      // Without its conversation (expired, Redis down) the call cannot go on: end it rather than
      // leave the caller talking to a dialogue that will not answer.
      this.logger.warn({ err, conversationId: state.conversationId, why }, 'conversation not reopened');
      state.transferring = undefined;
      await this.finish(platform, callId, state, TELEPHONY_REASONS.TRANSFER_FAILED);
      return {
        conversationId: state.conversationId,
        action: 'hangup',
        hangup: { reason: TELEPHONY_REASONS.TRANSFER_FAILED },
        degraded: true,
        reprompt: false,
        error: 'dialogue',
      };
    }
    state.transferring = undefined;
    state.ended = false;
    state.dialogueEnded = undefined;
    state.endReason = undefined;
    state.noInputCount = 0;
    state.heard = undefined;
    state.partial = undefined;
    if (reply) state.lastSay = reply.text;
    await this.store.save(platform, callId, state);
    return {
      conversationId: state.conversationId,
      say: reply ? spoken(reply.text, state) : undefined,
      action: 'continue',
      scriptId: reply?.scriptId,
      degraded: false,
      reprompt: false,
    };
  }

  private async turn(
    platform: TelephonyPlatform,
    callId: string,
    state: CallState,
    text: string,
    onSay?: SaySink,
  ): Promise<TelephonyOutcome> {
    const key = this.callKey(platform, callId);
    // A barge-in note about the previous reply must land before this turn's reply.
    await this.notes.get(key);
    const controller = new AbortController();
    this.inflight.get(key)?.abort(new Error('superseded'));
    this.inflight.set(key, controller);
    const budget = this.config.dialogue.deadlines.phoneMs + TELEPHONY_LIMITS.turnGraceMs;
    let result: TurnResult;
    /** Pieces of this reply the caller was already sent (streamed turns). */
    const sent: string[] = [];
    const input = { text, signal: controller.signal };
    const work = onSay
      ? this.streamTurn(state.conversationId, input, (piece) => {
          sent.push(piece);
          onSay(spoken(piece, state));
        })
      : this.dialogue.turn(state.conversationId, input);
    try {
      result = await withDeadline(abortable(work, controller.signal), budget, () => new TurnDeadlineError());
    } catch (err) {
      controller.abort(err);
      if (controller.signal.reason instanceof Error && controller.signal.reason.message === 'barge-in') {
        return { conversationId: state.conversationId, action: 'none', degraded: true, reprompt: false };
      }
      if (err instanceof HuashuException && err.code === 'CONVERSATION_ENDED') {
        await this.finish(platform, callId, state, 'conversation_ended');
        return {
          conversationId: state.conversationId,
          action: 'hangup',
          hangup: { reason: 'conversation_ended' },
          degraded: false,
          reprompt: false,
        };
      }
      this.logger.warn({ err, conversationId: state.conversationId }, 'telephony turn degraded');
      const error = err instanceof TurnDeadlineError ? 'deadline' : 'dialogue';
      if (sent.length > 0) {
        // Part of the reply is already playing: close it rather than repeat the previous prompt.
        state.lastSay = joinParts(sent);
        await this.store.save(platform, callId, state);
        return {
          conversationId: state.conversationId,
          say: spoken(state.lastSay, state),
          action: 'continue',
          degraded: true,
          reprompt: false,
          streamed: true,
          error,
        };
      }
      // The caller is never left in silence: a failed or late turn repeats the last prompt.
      const outcome = await this.reprompt(platform, callId, state);
      return { ...outcome, degraded: true, error };
    } finally {
      if (this.inflight.get(key) === controller) this.inflight.delete(key);
    }
    const outcome = await this.fromTurn(platform, callId, state, result);
    return sent.length > 0 ? { ...outcome, streamed: true } : outcome;
  }

  /**
   * A streamed dialogue turn: each approved part goes to `onPart` unless the turn was cancelled
   * (barge-in, deadline) meanwhile, so nothing is sent after the caller talked over the reply.
   */
  private async streamTurn(
    conversationId: string,
    input: { text: string; signal: AbortSignal },
    onPart: (text: string) => void,
  ): Promise<TurnResult> {
    for await (const event of this.dialogue.turnStream(conversationId, input)) {
      if (event.type === 'result') return event.result;
      if (!input.signal.aborted) onPart(event.part.text);
    }
    throw new Error('dialogue stream ended without a result');
  }

  private async fromTurn(
    platform: TelephonyPlatform,
    callId: string,
    state: CallState,
    result: TurnResult,
  ): Promise<TelephonyOutcome> {
    const outcome: TelephonyOutcome = {
      conversationId: state.conversationId,
      say: spoken(result.reply.text, state),
      action: result.action,
      // The confirmation question acts on nothing yet: its do_not_call is not handed to the flow.
      ...(result.doNotCall === 'confirming' ? {} : { intent: result.intent }),
      ...(result.doNotCall ? { doNotCall: result.doNotCall } : {}),
      scriptId: result.reply.scriptId,
      turn: result.turn,
      degraded: result.degraded,
      reprompt: false,
    };
    state.lastSay = result.reply.text;
    state.heard = undefined;
    state.partial = undefined;
    state.noInputCount = 0;
    if (result.action === 'transfer') {
      outcome.transfer = {
        target: result.actionDetail?.target ?? state.transferTarget,
        reason: result.actionDetail?.reason ?? result.intent.name,
        summary: result.actionDetail?.summary,
      };
      state.ended = true;
      state.endReason = 'transfer';
      state.transferring = true;
    } else if (result.action === 'hangup') {
      // The time asked for, scheduled by huashu or not: the platform's dialer can schedule it itself.
      const asked = result.actionDetail?.callback;
      const callback = asked && { dueAt: asked.dueAt, timeZone: asked.timeZone, requested: asked.requested };
      outcome.hangup = { reason: result.actionDetail?.reason ?? result.intent.name, ...(callback ? { callback } : {}) };
      state.ended = true;
      state.endReason = outcome.hangup.reason;
    }
    await this.store.save(platform, callId, state);
    return outcome;
  }

  private async reprompt(platform: TelephonyPlatform, callId: string, state: CallState): Promise<TelephonyOutcome> {
    await this.store.save(platform, callId, state);
    return this.repeat(state, true);
  }

  private repeat(state: CallState, reprompt: boolean): TelephonyOutcome {
    return {
      conversationId: state.conversationId,
      say: state.lastSay ? spoken(state.lastSay, state) : undefined,
      action: state.ended ? 'hangup' : 'continue',
      hangup: state.ended ? { reason: state.endReason ?? 'ended' } : undefined,
      // A reprompt is no failure: `degraded` is kept for turns whose pipeline failed or overran.
      degraded: false,
      reprompt,
    };
  }

  /**
   * End the call and its conversation; with `announce`, the conversation ends on the line that says
   * why (the goodbye, the transfer line), which is returned for the caller to hear.
   */
  private async finish(
    platform: TelephonyPlatform,
    callId: string,
    state: CallState,
    reason: string,
    announce?: 'hangup' | 'transfer',
  ): Promise<Reply | undefined> {
    this.inflight.get(this.callKey(platform, callId))?.abort(new Error('ended'));
    const dialogueOpen = !state.dialogueEnded;
    state.ended = true;
    state.dialogueEnded = true;
    state.endReason ??= reason;
    await this.store.save(platform, callId, state);
    if (!dialogueOpen) return undefined;
    const ending = announce
      ? this.dialogue.close(state.conversationId, { reason, action: announce })
      : this.dialogue.end(state.conversationId, reason).then(() => undefined);
    const line = await ending.catch((err: unknown) => {
      // Ending an already ended conversation is fine; anything else is logged, never thrown
      // back at the platform (the call is over either way).
      this.logger.debug({ err, conversationId: state.conversationId }, 'dialogue end failed');
      return undefined;
    });
    if (line) {
      state.lastSay = line.text;
      await this.store.save(platform, callId, state);
    }
    return line;
  }

  /** Release a failed delivery's claim; a failure to (Redis down) is logged: the first error is the one to report. */
  private async release(platform: TelephonyPlatform, callId: string, eventId: string): Promise<void> {
    await this.store.release(platform, callId, eventId).catch((err: unknown) => {
      this.logger.warn({ err, platform, callId, eventId }, 'telephony claim not released');
    });
  }

  private observe(platform: TelephonyPlatform, outcome: TelephonyOutcome, t0: number) {
    this.latency.observe({ platform, action: outcome.action }, (nowMs() - t0) / 1000);
  }

  private callKey(platform: TelephonyPlatform, callId: string): string {
    return `${platform}:${callId}`;
  }
}

import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { HuashuException } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { TelephonyService } from '../telephony.service.js';
import {
  TELEPHONY_EVENTS,
  TELEPHONY_PLATFORMS,
  type SaySink,
  type TelephonyEvent,
  type TelephonyOutcome,
} from '../telephony-event.js';
import { parsePayload } from '../validation.js';
import {
  acActivitiesSchema,
  acCreateSchema,
  acDisconnectSchema,
  acRefreshSchema,
  acWsFrameSchema,
  type AcActivity,
  type AcBotActivity,
} from './audiocodes.schemas.js';

const PLATFORM = TELEPHONY_PLATFORMS.AUDIOCODES;
/** The route prefix of the HTTP mode (DESIGN §4). */
export const AUDIOCODES_BASE_PATH = '/v1/telephony/audiocodes';
/**
 * How long VoiceAI Connect may wait between requests before it must call refreshURL. The call
 * state itself lives for SESSION_TTL_SECONDS; this only paces keep-alives.
 */
export const AUDIOCODES_EXPIRES_SECONDS = 120;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** One inbound activity → an internal event, `start`, or nothing (events we do not act on). */
export function activityToEvent(a: AcActivity): TelephonyEvent | 'start' | undefined {
  const params = a.parameters ?? {};
  const value = (a.value && typeof a.value === 'object' ? a.value : {}) as Record<string, unknown>;
  if (a.type === 'message') {
    return {
      type: TELEPHONY_EVENTS.USER_TEXT,
      text: a.text ?? '',
      final: true,
      confidence: num(params.confidence),
      language: a.language,
    };
  }
  switch (a.name) {
    case 'start':
      return 'start';
    case 'DTMF':
      return {
        type: TELEPHONY_EVENTS.DTMF,
        digits: (str(a.value) ?? String(num(a.value) ?? '')).replace(/[^0-9*#A-D]/g, ''),
      };
    case 'noUserInput':
      return { type: TELEPHONY_EVENTS.NO_INPUT, count: num(a.value) ?? 1 };
    case 'speechHypothesis':
      return { type: TELEPHONY_EVENTS.USER_TEXT, text: str(params.text) ?? str(value.text) ?? '', final: false };
    case 'transferStatus':
      return {
        type: TELEPHONY_EVENTS.TRANSFER_RESULT,
        status: (str(value.status) ?? str(params.status)) === 'answered' ? 'answered' : 'failed',
        reason: str(value.reasonCode) ?? str(params.reasonCode) ?? str(value.reason),
      };
    case 'hangup':
    case 'conversationEnd':
      return {
        type: TELEPHONY_EVENTS.HANGUP,
        cause: str(params.reasonCode) ?? str(value.reasonCode) ?? str(params.reason) ?? 'client-disconnected',
      };
    case undefined:
    default:
      return undefined;
  }
}

const activity = (a: Omit<AcBotActivity, 'id' | 'timestamp'>, now = new Date()): AcBotActivity => ({
  id: randomUUID(),
  timestamp: now.toISOString(),
  ...a,
});

/** A bot `message` activity with its speech language. */
const message = (say: { text: string; language: string }, now?: Date): AcBotActivity =>
  activity({ type: 'message', text: say.text, activityParams: { language: say.language } }, now);

/** SIP headers huashu adds to a transfer (REFER) or hangup (BYE); names are ours (`X-` extension headers). */
const AUDIOCODES_SIP_HEADERS = {
  CONVERSATION: 'X-Huashu-Conversation',
  CALLBACK_DUE: 'X-Huashu-Callback-Due',
  CALLBACK_TIME_ZONE: 'X-Huashu-Callback-Time-Zone',
  CALLBACK_REQUESTED: 'X-Huashu-Callback-Requested',
} as const;

/**
 * The SIP headers of a bot hangup: the conversation id and, for a busy caller, the callback. VoiceAI
 * Connect hangup.htm: the bot "can also add SIP headers and their values, which are included in the
 * SIP BYE message" — the way this protocol hands data to the call flow (SBC, dialer) when the bot ends
 * the call. The parameter is `hangupSipHeaders`, an array of {name, value} like the transfer's
 * `transferSipHeaders` (call-transfer.htm); the stored copy of hangup.htm names the feature but its
 * parameter table was not in it, so the name follows the transfer's. Values are strings; the
 * customer's words are percent-encoded UTF-8, since a header value may not carry CR/LF and not
 * every SIP element passes non-ASCII text (RFC 3261 §25.1 allows UTF-8 in extension headers).
 */
function hangupSipHeaders(o: TelephonyOutcome): { name: string; value: string }[] {
  const headers: { name: string; value: string }[] = [];
  if (o.conversationId) headers.push({ name: AUDIOCODES_SIP_HEADERS.CONVERSATION, value: o.conversationId });
  const callback = o.hangup?.callback;
  if (callback) {
    headers.push(
      { name: AUDIOCODES_SIP_HEADERS.CALLBACK_DUE, value: callback.dueAt },
      { name: AUDIOCODES_SIP_HEADERS.CALLBACK_TIME_ZONE, value: callback.timeZone },
    );
    if (callback.requested) {
      headers.push({ name: AUDIOCODES_SIP_HEADERS.CALLBACK_REQUESTED, value: encodeURIComponent(callback.requested) });
    }
  }
  return headers;
}

/**
 * Outcome → bot activities: message (with its language), then sendDtmf, transfer or hangup. A
 * streamed outcome's message was already sent piece by piece (streaming mode), so it is left out.
 */
export function outcomeToActivities(o: TelephonyOutcome, now = new Date()): AcBotActivity[] {
  const make = (a: Omit<AcBotActivity, 'id' | 'timestamp'>) => activity(a, now);
  const out: AcBotActivity[] = [];
  if (o.say && !o.streamed) out.push(message(o.say, now));
  if (o.sendDigits) out.push(make({ type: 'event', name: 'sendDtmf', activityParams: { dtmfDigits: o.sendDigits } }));
  if (o.action === 'transfer') {
    const params: Record<string, unknown> = {
      handoverReason: o.transfer?.reason ?? 'transfer',
      // Lets the agent desktop find the conversation (transcript, lead summary).
      transferSipHeaders: [{ name: AUDIOCODES_SIP_HEADERS.CONVERSATION, value: o.conversationId }],
    };
    if (o.transfer?.target) params.transferTarget = o.transfer.target;
    out.push(make({ type: 'event', name: 'transfer', activityParams: params }));
  } else if (o.action === 'hangup') {
    const params: Record<string, unknown> = { hangupReason: o.hangup?.reason ?? 'bot' };
    const headers = hangupSipHeaders(o);
    if (headers.length > 0) params.hangupSipHeaders = headers;
    out.push(make({ type: 'event', name: 'hangup', activityParams: params }));
  }
  return out;
}

/** AudioCodes Bot API (HTTP mode and streaming WebSocket mode) on top of TelephonyService. */
@Injectable()
export class AudioCodesBotService {
  constructor(
    private readonly telephony: TelephonyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Health probe VoiceAI Connect sends to the bot URL with GET. */
  health() {
    return { type: 'ac-bot-api', success: true };
  }

  /** Create conversation → the URLs VoiceAI Connect posts to for the rest of the call. */
  async create(body: unknown, campaignId: string | undefined) {
    const req = parsePayload(acCreateSchema, body, 'AudioCodes create-conversation request');
    if (campaignId && !(await this.telephony.campaignExists(campaignId))) {
      throw new HuashuException('NOT_FOUND', `campaign ${campaignId} not found`);
    }
    await this.telephony.reserveCall(PLATFORM, req.conversation, campaignId);
    const base = `${this.config.telephony.publicBaseUrl?.replace(/\/$/, '') ?? ''}${AUDIOCODES_BASE_PATH}/conversations/${encodeURIComponent(req.conversation)}`;
    return {
      activitiesURL: `${base}/activities`,
      refreshURL: `${base}/refresh`,
      disconnectURL: `${base}/disconnect`,
      expiresSeconds: AUDIOCODES_EXPIRES_SECONDS,
    };
  }

  async activities(conversation: string, body: unknown) {
    const req = parsePayload(acActivitiesSchema, body, 'AudioCodes activities request');
    await this.requireCall(conversation);
    return { conversation, activities: await this.runActivities(conversation, req.activities) };
  }

  async refresh(conversation: string, body: unknown) {
    parsePayload(acRefreshSchema, body ?? {}, 'AudioCodes refresh request');
    await this.requireCall(conversation);
    await this.telephony.touch(PLATFORM, conversation);
    return { expiresSeconds: AUDIOCODES_EXPIRES_SECONDS };
  }

  async disconnect(conversation: string, body: unknown) {
    const req = parsePayload(acDisconnectSchema, body ?? {}, 'AudioCodes disconnect request');
    await this.requireCall(conversation);
    await this.telephony.endCall(PLATFORM, conversation, req.reasonCode ?? req.reason ?? 'disconnect');
    return {};
  }

  /**
   * One streaming-mode frame → frames to send back. Returns `close: true` after session.end.
   * Text only: with directSTT the platform would stream audio, which this bot does not take.
   * With `push`, a reply's approved scripts go out as their own `activities` frames the moment each
   * is matched (the platform plays message activities in order), before the frame's answer.
   */
  async wsFrame(
    raw: unknown,
    session: { conversationId?: string; campaignId?: string; caller?: string },
    push?: (frame: Record<string, unknown>) => void,
  ): Promise<{ send: Record<string, unknown>[]; close?: boolean }> {
    const frame = parsePayload(acWsFrameSchema, raw, 'AudioCodes streaming frame');
    switch (frame.type) {
      case 'session.initiate': {
        if (!frame.conversationId) return { send: [{ type: 'session.error', reason: 'conversationId missing' }] };
        if (frame.expectAudioMessages) {
          return {
            send: [
              {
                type: 'session.error',
                conversationId: frame.conversationId,
                reason: 'audio streaming not supported: set directSTT to false',
              },
            ],
            close: true,
          };
        }
        session.conversationId = frame.conversationId;
        session.caller = frame.caller;
        await this.telephony.reserveCall(PLATFORM, frame.conversationId, session.campaignId);
        return { send: [{ type: 'session.accepted' }] };
      }
      case 'session.resume': {
        const known = frame.conversationId && (await this.telephony.call(PLATFORM, frame.conversationId));
        if (!known || !frame.conversationId) {
          return {
            send: [{ type: 'session.error', conversationId: frame.conversationId, reason: 'conversation not found' }],
            close: true,
          };
        }
        session.conversationId = frame.conversationId;
        return { send: [{ type: 'session.accepted' }] };
      }
      case 'activities': {
        if (!session.conversationId) return { send: [{ type: 'session.error', reason: 'session not initiated' }] };
        const onSay: SaySink | undefined = push && ((say) => push({ type: 'activities', activities: [message(say)] }));
        const acts = await this.runActivities(session.conversationId, frame.activities ?? [], session.caller, onSay);
        return { send: acts.length ? [{ type: 'activities', activities: acts }] : [] };
      }
      case 'session.end':
        if (session.conversationId) {
          await this.telephony.endCall(
            PLATFORM,
            session.conversationId,
            frame.reasonCode ?? frame.reason ?? 'session.end',
          );
        }
        return { send: [], close: true };
      default:
        // userStream.* and future frame types: not for a text bot.
        return { send: [] };
    }
  }

  private async requireCall(conversation: string) {
    if (!(await this.telephony.call(PLATFORM, conversation))) {
      throw new HuashuException('NOT_FOUND', 'conversation not found');
    }
  }

  private async runActivities(conversation: string, activities: AcActivity[], caller?: string, onSay?: SaySink) {
    const out: AcBotActivity[] = [];
    for (const activity of activities) {
      const event = activityToEvent(activity);
      if (!event) continue;
      let outcome: TelephonyOutcome | undefined;
      if (event === 'start') {
        const params = activity.parameters ?? {};
        const phone = str(params.caller) ?? caller;
        outcome = await this.telephony.startCall(PLATFORM, conversation, {
          phone,
          metadata: { callee: str(params.callee) },
        });
      } else {
        outcome = await this.telephony.handle(PLATFORM, conversation, event, activity.id, onSay);
      }
      if (outcome) out.push(...outcomeToActivities(outcome));
      if (outcome && (outcome.action === 'hangup' || outcome.action === 'transfer')) break;
    }
    return out;
  }
}

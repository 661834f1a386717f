import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { z } from 'zod';
import { DEFAULT_CAMPAIGN_ID } from '@huashu/campaigns';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { speechLanguage } from '../language.js';
import { TelephonyService } from '../telephony.service.js';
import {
  TELEPHONY_EVENTS,
  TELEPHONY_PLATFORMS,
  type TelephonyEvent,
  type TelephonyOutcome,
} from '../telephony-event.js';
import { parsePayload } from '../validation.js';

/*
 * Twilio Programmable Voice webhooks, fields as documented:
 * - Voice request parameters (CallSid, AccountSid, From, To, CallStatus, Direction …):
 *   https://www.twilio.com/docs/usage/webhooks/voice-webhooks
 * - <Gather input="speech"> action parameters SpeechResult, Confidence, Digits; attributes action,
 *   method, input, language, speechTimeout, actionOnEmptyResult, partialResultCallback
 *   (UnstableSpeechResult, Stability, SequenceNumber): https://www.twilio.com/docs/voice/twiml/gather
 * - <Dial action> callback DialCallStatus: https://www.twilio.com/docs/voice/twiml/dial
 * - <Connect><ConversationRelay> and its action callback (HandoffData, SessionStatus):
 *   https://www.twilio.com/docs/voice/twiml/connect/conversationrelay
 * - <Gather hints> ("words, phrases", comma-separated) and speechModel: the <Gather> page above;
 *   <Say language voice>, <Hangup>: https://www.twilio.com/docs/voice/twiml/say
 * TwiML is built with the `twilio` package's VoiceResponse, which escapes XML.
 * - Retries: Twilio retries a webhook on connection failures/timeouts (retry count `rc`, policy `rp`:
 *   https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides) and marks every
 *   delivery of one request with the same `I-Twilio-Idempotency-Token` header, which is the dedup
 *   key here. Twilio's page naming that header is not among the stored docs this was checked
 *   against; the header is the one Twilio's own SDKs and public integrations dedupe retries on.
 *   Without it no dedup is attempted (a caller may legitimately say the same words twice).
 */

const PLATFORM = TELEPHONY_PLATFORMS.TWILIO;
export const TWILIO_VOICE_PATH = '/v1/telephony/twilio/voice';
export const TWILIO_RELAY_PATH = '/v1/telephony/twilio/relay';

const sid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio Call SID');
const text = (max: number) => z.string().max(max);

/** Form parameters we read; Twilio sends many more (loose object). */
export const twilioVoiceSchema = z.looseObject({
  CallSid: sid,
  AccountSid: text(64).optional(),
  From: text(64).optional(),
  To: text(64).optional(),
  Direction: text(32).optional(),
  CallStatus: text(32).optional(),
  SpeechResult: text(4000).optional(),
  Confidence: text(32).optional(),
  Digits: text(64).optional(),
  UnstableSpeechResult: text(4000).optional(),
  SequenceNumber: text(16).optional(),
  DialCallStatus: text(32).optional(),
  HandoffData: text(8000).optional(),
  SessionStatus: text(32).optional(),
});
export type TwilioVoiceParams = z.output<typeof twilioVoiceSchema>;

/** The failed-transfer reason of a transfer that named no target (`untargeted`). */
const TWILIO_NO_TRANSFER_TARGET = 'no-transfer-target';

const CALL_OVER = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export interface TwilioVoiceQuery {
  campaign?: string;
  /** `relay` answers the first webhook with <Connect><ConversationRelay> instead of <Gather>. */
  mode?: 'gather' | 'relay';
}

/** Twilio webhooks → internal events → TwiML. */
@Injectable()
export class TwilioVoiceService {
  constructor(
    private readonly telephony: TelephonyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Handle one voice webhook and return the TwiML document. */
  async webhook(body: unknown, query: TwilioVoiceQuery, idempotencyToken?: string): Promise<string> {
    const p = parsePayload(twilioVoiceSchema, body, 'Twilio voice webhook');
    const callId = p.CallSid;

    if (p.HandoffData !== undefined || p.SessionStatus !== undefined) {
      return this.relayEnded(p);
    }
    if (p.CallStatus && CALL_OVER.has(p.CallStatus) && p.SpeechResult === undefined) {
      await this.telephony.endCall(PLATFORM, callId, `twilio:${p.CallStatus}`);
      return new twilio.twiml.VoiceResponse().toString();
    }

    const known = await this.telephony.call(PLATFORM, callId);
    if (!known) {
      const phone = p.Direction?.startsWith('outbound') ? p.To : p.From;
      if (query.mode === 'relay') return await this.connectRelay(query.campaign);
      const outcome = await this.telephony.startCall(PLATFORM, callId, {
        campaignId: query.campaign,
        phone,
        metadata: { accountSid: p.AccountSid, to: p.To },
      });
      return this.twiml(outcome, query);
    }

    const event = this.toEvent(p);
    const outcome = await this.telephony.handle(PLATFORM, callId, event, idempotencyToken);
    if (!outcome) return this.twiml(undefined, query);
    if (event.type === TELEPHONY_EVENTS.USER_TEXT && !event.final) {
      // partialResultCallback: Twilio ignores the body; answer with an empty document.
      return new twilio.twiml.VoiceResponse().toString();
    }
    if (event.type === TELEPHONY_EVENTS.TRANSFER_RESULT && outcome.action === 'none') {
      // <Dial> finished after the agent took the call: the bot's part is over.
      const vr = new twilio.twiml.VoiceResponse();
      vr.hangup();
      return vr.toString();
    }
    if (outcome.action === 'transfer' && !outcome.transfer?.target) return this.untargeted(callId, outcome, query);
    return this.twiml(outcome, query);
  }

  /**
   * A transfer that names no target (the turn names none and the campaign has no `transferTarget`):
   * `<Dial>` needs a number or client, and `<Hangup/>` after "please hold for an agent" would drop the
   * caller in silence. It goes the way of a transfer no agent answered: the line is said, then the
   * library's failed-transfer apology in a `<Gather>`, and the call goes on with the bot.
   */
  private async untargeted(callId: string, announced: TelephonyOutcome, query: TwilioVoiceQuery): Promise<string> {
    const back = await this.telephony.handle(PLATFORM, callId, {
      type: TELEPHONY_EVENTS.TRANSFER_RESULT,
      status: 'failed',
      reason: TWILIO_NO_TRANSFER_TARGET,
    });
    return this.twiml(back, query, announced.say);
  }

  toEvent(p: TwilioVoiceParams): TelephonyEvent {
    if (p.DialCallStatus !== undefined) {
      return {
        type: TELEPHONY_EVENTS.TRANSFER_RESULT,
        status: p.DialCallStatus === 'completed' || p.DialCallStatus === 'answered' ? 'answered' : 'failed',
        reason: p.DialCallStatus,
      };
    }
    if (p.UnstableSpeechResult !== undefined) {
      return { type: TELEPHONY_EVENTS.USER_TEXT, text: p.UnstableSpeechResult, final: false };
    }
    if (p.SpeechResult !== undefined) {
      const confidence = p.Confidence !== undefined ? Number(p.Confidence) : undefined;
      return {
        type: TELEPHONY_EVENTS.USER_TEXT,
        text: p.SpeechResult,
        final: true,
        confidence: Number.isFinite(confidence) ? confidence : undefined,
      };
    }
    if (p.Digits !== undefined && p.Digits !== '') {
      return { type: TELEPHONY_EVENTS.DTMF, digits: p.Digits.replace(/[^0-9*#w]/g, '') };
    }
    // <Gather actionOnEmptyResult="true"> posts without SpeechResult/Digits when nothing was said.
    return { type: TELEPHONY_EVENTS.NO_INPUT, count: 1 };
  }

  /** TwiML for an outcome; `first`, a line said before it (an untargeted transfer's announcement). */
  twiml(o: TelephonyOutcome | undefined, query: TwilioVoiceQuery, first?: TelephonyOutcome['say']): string {
    const vr = new twilio.twiml.VoiceResponse();
    if (first) vr.say(this.sayAttrs(first.language), first.text);
    if (!o) {
      vr.hangup();
      return vr.toString();
    }
    const language = (o.say?.language ?? 'en-US') as 'en-US';
    const speech = this.config.telephony.twilioSpeech;
    const sayAttrs = this.sayAttrs(language);
    switch (o.action) {
      case 'continue':
      case 'none': {
        const gather = vr.gather({
          input: ['speech', 'dtmf'],
          action: this.voiceUrl(query),
          method: 'POST',
          language,
          speechTimeout: 'auto',
          actionOnEmptyResult: true,
          partialResultCallback: this.voiceUrl(query),
          partialResultCallbackMethod: 'POST',
          ...(speech.model ? { speechModel: speech.model } : {}),
          ...(speech.hints ? { hints: speech.hints } : {}),
        });
        if (o.say) gather.say(sayAttrs, o.say.text);
        break;
      }
      case 'transfer':
        if (o.say) vr.say(sayAttrs, o.say.text);
        if (o.sendDigits) vr.play({ digits: o.sendDigits });
        if (o.transfer?.target) {
          vr.dial({ action: this.voiceUrl(query), method: 'POST' }, o.transfer.target);
        } else {
          vr.hangup();
        }
        break;
      case 'hangup':
        if (o.say) vr.say(sayAttrs, o.say.text);
        vr.hangup();
        break;
    }
    return vr.toString();
  }

  /**
   * First webhook in relay mode: hand the call to ConversationRelay on our WebSocket, speaking and
   * transcribing the campaign's language (`language` sets both; Twilio's default is en-US).
   */
  private async connectRelay(campaign: string | undefined): Promise<string> {
    const { language } = await this.telephony.campaign(campaign ?? DEFAULT_CAMPAIGN_ID);
    const vr = new twilio.twiml.VoiceResponse();
    const connect = vr.connect({ action: this.voiceUrl({ campaign, mode: 'relay' }) });
    const wsBase = (this.config.telephony.publicBaseUrl ?? 'http://localhost')
      .replace(/^http/, 'ws')
      .replace(/\/$/, '');
    const relay = connect.conversationRelay({
      url: `${wsBase}${TWILIO_RELAY_PATH}`,
      language: speechLanguage(language),
      interruptible: 'any',
      dtmfDetection: true,
    });
    if (campaign) relay.parameter({ name: 'campaign', value: campaign });
    return vr.toString();
  }

  /** <Connect action> after the relay session ended: dial the handoff target or hang up. */
  private relayEnded(p: TwilioVoiceParams): string {
    const vr = new twilio.twiml.VoiceResponse();
    let handoff: { reasonCode?: unknown; target?: unknown } = {};
    try {
      handoff = JSON.parse(p.HandoffData ?? '{}') as typeof handoff;
    } catch {
      handoff = {};
    }
    if (handoff.reasonCode === 'live-agent-handoff' && typeof handoff.target === 'string' && handoff.target) {
      vr.dial(handoff.target);
    } else {
      vr.hangup();
    }
    return vr.toString();
  }

  private sayAttrs(lang: string | undefined): VoiceResponse.SayAttributes {
    const language = (lang ?? 'en-US') as 'en-US';
    const voice = this.config.telephony.twilioSpeech.voices[language] as
      VoiceResponse.SayAttributes['voice'] | undefined;
    return voice ? { language, voice } : { language };
  }

  private voiceUrl(query: TwilioVoiceQuery): string {
    const qs = new URLSearchParams();
    if (query.campaign) qs.set('campaign', query.campaign);
    if (query.mode === 'relay') qs.set('mode', 'relay');
    const q = qs.toString();
    const base = this.config.telephony.publicBaseUrl?.replace(/\/$/, '') ?? '';
    return `${base}${TWILIO_VOICE_PATH}${q ? `?${q}` : ''}`;
  }
}

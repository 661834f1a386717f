import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { TelephonyService } from '../telephony.service.js';
import {
  TELEPHONY_EVENTS,
  TELEPHONY_PLATFORMS,
  type TelephonyEvent,
  type TelephonyOutcome,
} from '../telephony-event.js';
import { parsePayload } from '../validation.js';

/*
 * Twilio ConversationRelay WebSocket messages, as documented at
 * https://www.twilio.com/docs/voice/conversationrelay/websocket-messages
 * Inbound: setup {sessionId, callSid, from, to, direction, customParameters}, prompt {voicePrompt,
 * lang, last}, dtmf {digit}, interrupt {utteranceUntilInterrupt, durationUntilInterruptMs}, error
 * {description}. Outbound: text {token, last, lang?, interruptible?, preemptible?}, sendDigits
 * {digits}, end {handoffData: JSON string}, language {ttsLanguage, transcriptionLanguage} (switches
 * speech synthesis and recognition mid-session). The X-Twilio-Signature of the upgrade request is
 * checked by the gateway before the socket is accepted.
 */

const PLATFORM = TELEPHONY_PLATFORMS.TWILIO_RELAY;

export const relayInboundSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('setup'),
    sessionId: z.string().max(64).optional(),
    callSid: z.string().min(1).max(64),
    from: z.string().max(64).optional(),
    to: z.string().max(64).optional(),
    direction: z.string().max(32).optional(),
    customParameters: z.record(z.string(), z.string().max(500)).optional(),
  }),
  z.looseObject({
    type: z.literal('prompt'),
    voicePrompt: z.string().max(4000),
    lang: z.string().max(35).optional(),
    last: z.boolean(),
  }),
  z.looseObject({ type: z.literal('dtmf'), digit: z.string().min(1).max(8) }),
  z.looseObject({
    type: z.literal('interrupt'),
    utteranceUntilInterrupt: z.string().max(4000).default(''),
    durationUntilInterruptMs: z.union([z.number(), z.string()]).optional(),
  }),
  z.looseObject({ type: z.literal('error'), description: z.string().max(4000).optional() }),
]);
export type RelayInbound = z.output<typeof relayInboundSchema>;

export type RelayOutbound =
  | { type: 'text'; token: string; last: boolean; lang?: string }
  | { type: 'sendDigits'; digits: string }
  | { type: 'language'; ttsLanguage: string; transcriptionLanguage: string }
  | { type: 'end'; handoffData: string };

const segmenters = new Map<string, Intl.Segmenter>();

/**
 * Split a reply into sentences (Intl.Segmenter's sentence rules, zh and en) so each can be sent
 * as its own token and Twilio starts speaking after the first one.
 */
export function sentences(text: string, lang = 'zh'): string[] {
  const key = lang.slice(0, 2);
  let seg = segmenters.get(key);
  if (!seg) {
    seg = new Intl.Segmenter(key, { granularity: 'sentence' });
    segmenters.set(key, seg);
  }
  const out = [...seg.segment(text)].map((s) => s.segment).filter((s) => s.trim() !== '');
  return out.length ? out : [text];
}

/**
 * Outcome → outbound frames: text tokens ending with exactly one `last: true`, then the action. A
 * streamed reply's tokens were sent as their scripts were approved (`last: false`); it is closed by
 * an empty token with `last: true`, the end-of-response marker ConversationRelay applications send
 * when the final token is not known in advance (websocket-messages: "text" message, `last`).
 */
export function outcomeToFrames(o: TelephonyOutcome): RelayOutbound[] {
  const frames: RelayOutbound[] = [];
  if (o.streamed) {
    frames.push({ type: 'text', token: '', last: true, lang: o.say?.language });
  } else if (o.say) {
    const parts = sentences(o.say.text, o.say.language);
    parts.forEach((token, i) => {
      frames.push({ type: 'text', token, last: i === parts.length - 1, lang: o.say?.language });
    });
  }
  if (o.sendDigits) frames.push({ type: 'sendDigits', digits: o.sendDigits });
  // `end` {handoffData}: one string, which Twilio posts to the <Connect action> URL as `HandoffData`
  // when the session ends (twiml/connect/conversationrelay#end-session-message). Its content is the
  // application's own ("set the contents of this to whatever works best for your use case", Twilio's
  // ConversationRelay + Conversation Intelligence guide); Twilio's examples, and this adapter, put a
  // JSON object with `reasonCode` in it. No size limit for it is given in the stored docs. Whoever
  // handles the action URL (our voice webhook, or a Studio flow) gets the transfer's target, reason
  // and lead summary, or a busy caller's callback: `{dueAt (ISO 8601 UTC), timeZone, requested?}`.
  if (o.action === 'transfer') {
    frames.push({
      type: 'end',
      handoffData: JSON.stringify({
        reasonCode: 'live-agent-handoff',
        reason: o.transfer?.reason ?? 'transfer',
        target: o.transfer?.target,
        conversationId: o.conversationId,
        summary: o.transfer?.summary,
      }),
    });
  } else if (o.action === 'hangup') {
    frames.push({
      type: 'end',
      handoffData: JSON.stringify({
        reasonCode: 'hangup',
        reason: o.hangup?.reason ?? 'bot',
        conversationId: o.conversationId,
        callback: o.hangup?.callback,
      }),
    });
  }
  return frames;
}

/** One ConversationRelay socket: sequential message handling, interrupts handled at once. */
export class RelayConnection {
  private callSid?: string;
  private queue: Promise<void> = Promise.resolve();
  private ended = false;
  /** Language the session speaks and listens in (set by the first reply, as the TwiML configured it). */
  private language?: string;

  constructor(
    private readonly telephony: TelephonyService,
    private readonly sendFrame: (frame: RelayOutbound) => void,
    private readonly logger: Logger,
    private readonly campaign?: string,
  ) {}

  /** Feed one raw frame. Malformed frames are logged and dropped (the socket stays up). */
  receive(raw: string): Promise<void> {
    let msg: RelayInbound;
    try {
      msg = parsePayload(relayInboundSchema, JSON.parse(raw) as unknown, 'ConversationRelay message');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'ConversationRelay frame dropped');
      return Promise.resolve();
    }
    if (msg.type === 'interrupt') return this.run(msg); // must not wait behind the turn it cancels
    this.queue = this.queue
      .then(() => this.run(msg))
      .catch((err: unknown) => {
        this.logger.error({ err, callSid: this.callSid }, 'ConversationRelay message failed');
      });
    return this.queue;
  }

  /**
   * Send a frame; a reply in another language than the session's first switches text-to-speech and
   * recognition to it (the caller answers in the language they were just spoken to in).
   */
  private send(frame: RelayOutbound) {
    if (frame.type === 'text' && frame.lang) {
      if (this.language && frame.lang !== this.language) {
        this.sendFrame({ type: 'language', ttsLanguage: frame.lang, transcriptionLanguage: frame.lang });
      }
      this.language = frame.lang;
    }
    this.sendFrame(frame);
  }

  /** Socket closed by Twilio: the call is over. */
  async closed(): Promise<void> {
    if (this.callSid && !this.ended) await this.telephony.endCall(PLATFORM, this.callSid, 'relay_closed');
  }

  private async run(msg: RelayInbound): Promise<void> {
    if (msg.type === 'setup') {
      this.callSid = msg.callSid;
      const phone = msg.direction?.startsWith('outbound') ? msg.to : msg.from;
      const outcome = await this.telephony.startCall(PLATFORM, msg.callSid, {
        campaignId: msg.customParameters?.campaign ?? this.campaign,
        phone,
        metadata: { sessionId: msg.sessionId },
      });
      return this.emit(outcome);
    }
    if (!this.callSid) return;
    if (msg.type === 'error') {
      this.logger.warn({ callSid: this.callSid, description: msg.description }, 'ConversationRelay error');
      return;
    }
    const event = this.toEvent(msg);
    // A prompt's reply is streamed: each approved script is spoken while the next is being matched.
    const onSay =
      msg.type === 'prompt'
        ? (say: { text: string; language: string }) =>
            this.send({ type: 'text', token: say.text, last: false, lang: say.language })
        : undefined;
    const outcome = await this.telephony.handle(PLATFORM, this.callSid, event, undefined, onSay);
    if (outcome) this.emit(outcome);
  }

  private toEvent(msg: Exclude<RelayInbound, { type: 'setup' } | { type: 'error' }>): TelephonyEvent {
    switch (msg.type) {
      case 'prompt':
        // Only the final transcript (last: true) is answered; partials are bookkeeping.
        return { type: TELEPHONY_EVENTS.USER_TEXT, text: msg.voicePrompt, final: msg.last, language: msg.lang };
      case 'dtmf':
        return { type: TELEPHONY_EVENTS.DTMF, digits: msg.digit };
      case 'interrupt':
        return { type: TELEPHONY_EVENTS.BARGE_IN, heard: msg.utteranceUntilInterrupt };
    }
  }

  private emit(outcome: TelephonyOutcome) {
    if (outcome.action === 'none') return;
    for (const frame of outcomeToFrames(outcome)) this.send(frame);
    if (outcome.action === 'hangup' || outcome.action === 'transfer') this.ended = true;
  }
}

/** Factory for relay connections (the gateway owns the sockets). */
@Injectable()
export class ConversationRelayService {
  private readonly logger = new Logger('ConversationRelay');

  constructor(private readonly telephony: TelephonyService) {}

  open(send: (frame: RelayOutbound) => void, campaign?: string): RelayConnection {
    return new RelayConnection(this.telephony, send, this.logger, campaign);
  }
}

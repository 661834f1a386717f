import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { HuashuException } from '@huashu/common';
import { canonicalLanguage, MAX_LANGUAGE_TAG_LENGTH } from '@huashu/dialogue';
import { TelephonyService } from '../telephony.service.js';
import { TELEPHONY_EVENTS, TELEPHONY_PLATFORMS, type TelephonyOutcome } from '../telephony-event.js';
import { parsePayload } from '../validation.js';

const PLATFORM = TELEPHONY_PLATFORMS.GENERIC;
const callId = z.string().regex(/^[A-Za-z0-9._:@+-]{1,128}$/, 'letters, digits and ._:@+- (1-128)');

/**
 * The generic event format (our own, for FreeSWITCH/Asterisk integrators): the internal event
 * union as JSON plus `start`. Strict objects: unlike vendor payloads this format is ours, so an
 * unknown field is an integrator bug worth reporting.
 */
export const genericEventSchema = z.strictObject({
  callId,
  eventId: z.string().min(1).max(128).optional(),
  event: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('start'),
      campaignId: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/)
        .optional(),
      phone: z.string().max(32).optional(),
      // The lead's language as the dialer knows it (as POST /v1/conversations `customer.language`).
      language: z
        .string()
        .max(MAX_LANGUAGE_TAG_LENGTH)
        .refine((tag) => canonicalLanguage(tag) !== undefined, 'a BCP-47 language tag such as "en-US"')
        .optional(),
      metadata: z.record(z.string(), z.string().max(500)).optional(),
    }),
    z.strictObject({
      type: z.literal(TELEPHONY_EVENTS.USER_TEXT),
      text: z.string().max(4000),
      final: z.boolean().default(true),
      confidence: z.number().min(0).max(1).optional(),
      language: z.string().max(35).optional(),
    }),
    z.strictObject({ type: z.literal(TELEPHONY_EVENTS.BARGE_IN), heard: z.string().max(4000) }),
    z.strictObject({ type: z.literal(TELEPHONY_EVENTS.DTMF), digits: z.string().regex(/^[0-9*#A-D]{1,32}$/) }),
    z.strictObject({ type: z.literal(TELEPHONY_EVENTS.NO_INPUT), count: z.number().int().min(1).max(100).default(1) }),
    z.strictObject({ type: z.literal(TELEPHONY_EVENTS.HANGUP), cause: z.string().min(1).max(200) }),
    z.strictObject({
      type: z.literal(TELEPHONY_EVENTS.TRANSFER_RESULT),
      status: z.enum(['answered', 'failed']),
      reason: z.string().max(200).optional(),
    }),
  ]),
});
export type GenericEventRequest = z.input<typeof genericEventSchema>;

/** Response of POST /v1/telephony/events. */
export interface GenericEventResponse {
  callId: string;
  conversationId: string;
  reply: { text: string; language: string } | null;
  action: TelephonyOutcome['action'];
  transfer?: TelephonyOutcome['transfer'];
  hangup?: TelephonyOutcome['hangup'];
  sendDigits?: string;
  intent?: TelephonyOutcome['intent'];
  doNotCall?: TelephonyOutcome['doNotCall'];
  turn?: number;
  degraded: boolean;
  reprompt: boolean;
  /** Present when the turn failed (deadline/dialogue error) and `reply` repeats the last prompt. */
  error?: TelephonyOutcome['error'];
}

@Injectable()
export class GenericEventsService {
  constructor(private readonly telephony: TelephonyService) {}

  async handle(body: unknown): Promise<GenericEventResponse> {
    const req = parsePayload(genericEventSchema, body, 'telephony event');
    let outcome: TelephonyOutcome | undefined;
    if (req.event.type === 'start') {
      if (req.event.campaignId && !(await this.telephony.campaignExists(req.event.campaignId))) {
        throw new HuashuException('NOT_FOUND', `campaign ${req.event.campaignId} not found`);
      }
      outcome = await this.telephony.startCall(PLATFORM, req.callId, {
        campaignId: req.event.campaignId,
        phone: req.event.phone,
        language: req.event.language,
        metadata: req.event.metadata,
      });
    } else {
      outcome = await this.telephony.handle(PLATFORM, req.callId, req.event, req.eventId);
      if (!outcome) throw new HuashuException('NOT_FOUND', 'call not found: send a start event first');
    }
    return {
      callId: req.callId,
      conversationId: outcome.conversationId,
      reply: outcome.say ?? null,
      action: outcome.action,
      transfer: outcome.transfer,
      hangup: outcome.hangup,
      sendDigits: outcome.sendDigits,
      intent: outcome.intent,
      doNotCall: outcome.doNotCall,
      turn: outcome.turn,
      degraded: outcome.degraded,
      reprompt: outcome.reprompt,
      error: outcome.error,
    };
  }
}

import { z } from 'zod';

/*
 * AudioCodes VoiceAI Connect "AudioCodes Bot API" payloads, fields as documented:
 * - HTTP (chat) mode, conversation flow and URLs:
 *   https://techdocs.audiocodes.com/voice-ai-connect/Content/VAIG_Combined/API_1.htm
 *   https://techdocs.audiocodes.com/livehub/Content/Bot-API/ac-bot-api-mode-http.htm
 * - Streaming (WebSocket) mode, session.initiate / session.accepted / activities / session.end:
 *   https://techdocs.audiocodes.com/voice-ai-connect/Content/Bot-API/ac-bot-api-streaming.htm
 * - Activities: call initiation `start` (…/VAIG_Combined/call-initiation.htm), user speech message
 *   parameters `confidence`/`recognitionOutput` (…/receive-user-speech.htm), `DTMF` event value
 *   (…/receive-dtmf.htm), `noUserInput` value (…/inactivity-detection.htm), `transferStatus`
 *   value {status, reasonCode, reason} (…/transfer-status.htm), `conversationEnd` and disconnect
 *   reasonCode/reason (…/call-disconnect.htm), `speechHypothesis` (…/receiving_speech-to-text_hypothesis.htm).
 * Objects are loose: VoiceAI Connect adds fields (SIP headers, participants …) we do not read.
 */

const jsonObject = z.record(z.string(), z.unknown());

export const acActivitySchema = z.looseObject({
  id: z.string().min(1).max(200).optional(),
  timestamp: z.string().max(64).optional(),
  language: z.string().max(35).optional(),
  type: z.enum(['message', 'event']),
  text: z.string().max(10_000).optional(),
  name: z.string().max(100).optional(),
  value: z.unknown().optional(),
  parameters: jsonObject.optional(),
});
export type AcActivity = z.output<typeof acActivitySchema>;

export const acCreateSchema = z.looseObject({
  conversation: z.string().min(1).max(200),
  id: z.string().max(200).optional(),
  timestamp: z.string().max(64).optional(),
});

export const acActivitiesSchema = z.looseObject({
  conversation: z.string().min(1).max(200).optional(),
  activities: z.array(acActivitySchema).max(50),
});

export const acDisconnectSchema = z.looseObject({
  conversation: z.string().min(1).max(200).optional(),
  reason: z.string().max(500).optional(),
  reasonCode: z.string().max(100).optional(),
});

export const acRefreshSchema = z.looseObject({ conversation: z.string().min(1).max(200).optional() });

/** Streaming-mode frames sent by VoiceAI Connect (type decides the rest). */
export const acWsFrameSchema = z.looseObject({
  type: z.string().min(1).max(100),
  conversationId: z.string().min(1).max(200).optional(),
  expectAudioMessages: z.boolean().optional(),
  botName: z.string().max(200).optional(),
  caller: z.string().max(200).optional(),
  activities: z.array(acActivitySchema).max(50).optional(),
  reason: z.string().max(500).optional(),
  reasonCode: z.string().max(100).optional(),
});
export type AcWsFrame = z.output<typeof acWsFrameSchema>;

/** Bot → VoiceAI Connect activity (hangup.htm, call-transfer.htm, sending_dtmf_digits.htm). */
export interface AcBotActivity {
  id: string;
  timestamp: string;
  type: 'message' | 'event';
  text?: string;
  name?: 'transfer' | 'hangup' | 'sendDtmf';
  activityParams?: Record<string, unknown>;
}

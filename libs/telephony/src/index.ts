export {
  TELEPHONY_EVENTS,
  TELEPHONY_PLATFORMS,
  type CallStart,
  type SaySink,
  type TelephonyAction,
  type TelephonyEvent,
  type TelephonyEventType,
  type TelephonyOutcome,
  type TelephonyPlatform,
} from './telephony-event.js';
export { SPEECH_LANGUAGES, speechLanguage, textLanguage } from './language.js';
export {
  DTMF_ACTIONS,
  TELEPHONY_CAMPAIGNS,
  TELEPHONY_LIMITS,
  TELEPHONY_REASONS,
  type CampaignLookup,
} from './telephony.constants.js';
export { BARGE_IN_RECORDER, SessionBargeInRecorder, type BargeInRecorder } from './barge-in.recorder.js';
export { CallSessionStore, type CallState } from './call-session.store.js';
export { TelephonyService } from './telephony.service.js';
export { TelephonyModule } from './telephony.module.js';
export { parsePayload, safeEqual } from './validation.js';
export {
  AUDIOCODES_BASE_PATH,
  AUDIOCODES_EXPIRES_SECONDS,
  AudioCodesBotService,
  activityToEvent,
  outcomeToActivities,
} from './audiocodes/audiocodes-bot.service.js';
export {
  acActivitiesSchema,
  acCreateSchema,
  acDisconnectSchema,
  acRefreshSchema,
} from './audiocodes/audiocodes.schemas.js';
export {
  TWILIO_RELAY_PATH,
  TWILIO_VOICE_PATH,
  TwilioVoiceService,
  twilioVoiceSchema,
  type TwilioVoiceQuery,
} from './twilio/twilio-voice.service.js';
export { signedUrl, validTwilioSignature } from './twilio/twilio-signature.js';
export {
  ConversationRelayService,
  RelayConnection,
  outcomeToFrames,
  sentences,
  type RelayOutbound,
} from './twilio/conversation-relay.service.js';
export {
  GENESYS_INTENTS,
  GenesysBotService,
  genesysMessageSchema,
  outcomeToGenesys,
  type GenesysReply,
} from './genesys/genesys-bot.service.js';
export {
  GenericEventsService,
  genericEventSchema,
  type GenericEventRequest,
  type GenericEventResponse,
} from './generic/generic-events.service.js';

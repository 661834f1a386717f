export {
  ACTIONS,
  CHANNELS,
  DIALOGUE,
  DISCLOSURE_EFFECTS,
  DO_NOT_CALL_EFFECTS,
  LEAD_STAGES,
  ROUTES,
  type Action,
  type CallbackDue,
  type TurnCallback,
  type Channel,
  type DialoguePort,
  type DisclosureEffect,
  type DoNotCallEffect,
  type LeadStage,
  type Reply,
  type ReplyPart,
  type FollowOn,
  type Route,
  type StartConversation,
  type StartedConversation,
  type TurnResult,
  type TurnStreamEvent,
} from './turn-result.js';
export { joinParts } from './pipeline/dialogue-stream.js';
export {
  acceptExample,
  exampleView,
  IntentExampleMatcher,
  type IntentExampleMatch,
  type NearestExample,
} from './pipeline/intent-examples.js';
export { DialogueModule } from './dialogue.module.js';
export { DialogueService, type ConversationView } from './pipeline/dialogue.service.js';
export type { IntentExamplesReport } from './pipeline/intent-examples-report.js';
export { DialogueCallbacksModule } from './callbacks/dialogue-callbacks.module.js';
export { type CallbackJob } from './callbacks/callback-job.js';
export { DIALER_HEADERS, signDialerPayload } from './callbacks/dialer-webhook.client.js';
export { parseCallbackTime, type CallbackTime } from './actions/callback-time.parser.js';
export { normalisePhone, phoneDigest } from './actions/phone-number.js';
export { canonicalLanguage, MAX_LANGUAGE_TAG_LENGTH } from './language.js';
export {
  decideTurn,
  applyFallbackEscalation,
  ruleFor,
  type PolicyState,
  type TurnDecision,
} from './routing/dialogue-policy.js';
export { ACTION_REASONS, CALLBACK_JOBS, DIALOGUE_KEYS, DIALOGUE_QUEUES } from './dialogue.constants.js';
export { TranscriptExporter, type ExportSummary, type OutOfScopeUtterance } from './audit/transcript-exporter.js';
export type { Session, TranscriptEntry } from './session/session.js';
export { SessionRepository } from './session/session.repository.js';
export { TurnThreadPool, threadOf } from './threads/turn-thread.pool.js';

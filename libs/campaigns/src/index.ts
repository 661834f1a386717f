export {
  DEFAULT_CAMPAIGN_ID,
  type CallingHours,
  type Campaign,
  type CampaignQuestion,
  type IntentExamples,
  type PolicyAction,
  QUESTION_KINDS,
  type QuestionKind,
  type RouteAction,
  type RouteKind,
  type RouteRule,
} from './campaign.js';
export {
  DEFAULT_ABUSE_HANGUP_AFTER,
  DEFAULT_CALLING_HOURS,
  DEFAULT_DO_NOT_CALL_CONFIRM_BELOW,
  DEFAULT_INTENT_EXAMPLE_MIN_CONFIDENCE,
  DEFAULT_INTENT_EXAMPLE_THRESHOLD,
  DEFAULT_MATCH_THRESHOLD,
  DEFAULT_QUESTION_ASK_AT_MOST,
  DEFAULT_ROUTES,
  defaultCampaign,
} from './campaign.defaults.js';
export {
  campaignOpenApiSchemas,
  campaignSamplingParamsSchema,
  campaignSchema,
  MAX_CAMPAIGN_QUESTIONS,
  MAX_QUESTION_ASKS,
  QUESTION_INTENTS,
  MAX_INTENT_EXAMPLE_CHARS,
  MAX_INTENT_EXAMPLES,
  MAX_INTENT_EXAMPLES_PER_INTENT,
} from './campaign.schema.js';
export { type AuditEntry } from './campaign.repository.js';
export {
  CampaignService,
  etagMatches,
  mergePatch,
  type CampaignWithEtag,
  type KnownScripts,
  type UpdateOptions,
  type ChangePrincipal,
} from './campaign.service.js';
export { scriptReferences, type ScriptReference } from './script-references.js';
export { CampaignsModule } from './campaigns.module.js';

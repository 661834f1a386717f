export {
  DEFAULT_CAMPAIGN_ID,
  type Campaign,
  type PolicyAction,
  type RouteAction,
  type RouteKind,
  type RouteRule,
} from './campaign.js';
export { DEFAULT_MATCH_THRESHOLD, DEFAULT_ROUTES, defaultCampaign } from './campaign.defaults.js';
export { campaignSamplingParamsSchema, campaignSchema } from './campaign.schema.js';
export { type AuditEntry } from './campaign.repository.js';
export {
  CampaignService,
  etagMatches,
  mergePatch,
  type CampaignWithEtag,
  type ChangePrincipal,
} from './campaign.service.js';
export { CampaignsModule } from './campaigns.module.js';

export {
  DEFAULT_CAMPAIGN_ID,
  type Campaign,
  type PolicyAction,
  type RouteAction,
  type RouteKind,
  type RouteRule,
} from './campaign.js';

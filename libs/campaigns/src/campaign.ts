import type { IntentName } from '@huashu/intent';
import type { SamplingParams } from '@huashu/generator';

export type RouteKind = 'script' | 'generator' | 'fallback';
export type RouteAction = 'continue' | 'transfer' | 'hangup';
export type PolicyAction = 'block' | 'redact' | 'flag';

/** One row of the route table: intent (× lead stage) → route + action. */
export interface RouteRule {
  route: RouteKind;
  action: RouteAction;
  /** Per-stage overrides, e.g. affirm → generator when the lead is engaged. */
  byStage?: Partial<Record<'new' | 'engaged' | 'interested' | 'hot', { route: RouteKind; action: RouteAction }>>;
}

/**
 * A campaign's settings (GET|PUT /v1/admin/campaigns/{id}). Every section has defaults, so a
 * campaign created by its first script import is usable at once.
 */
export interface Campaign {
  id: string;
  name: string;
  language: 'zh' | 'en';
  /** Similarity a match needs to be accepted (a script's own threshold wins). */
  matchThreshold: number;
  /** Overrides the intent model's fitted out-of-scope threshold. */
  intentThreshold?: number;
  openingScriptId?: string;
  goodbyeScriptId?: string;
  defaultFallbackScriptId?: string;
  /** Route table; intents missing here use the DESIGN §3 defaults. */
  routes: Partial<Record<IntentName, RouteRule>>;
  /** Consecutive fallbacks before escalation, and what escalation does. */
  maxConsecutiveFallbacks: number;
  fallbackEscalation: 'transfer' | 'hangup';
  transferTarget?: string;
  /** Default slot values (e.g. company_name, product_name); customer slots come from the session. */
  slots: Record<string, string>;
  /**
   * Slot values for the scripts of one language, over `slots` (a library with zh and en scripts says
   * "199 yuan" in English and 每月199元 in Chinese). A script's language is the one its text is in.
   */
  slotsByLanguage: Partial<Record<'zh' | 'en', Record<string, string>>>;
  generator: {
    systemPrompt: string;
    productFacts: string[];
    params: SamplingParams;
    /** Per-route/intent overrides of the sampling params. */
    paramsByIntent: Partial<Record<IntentName, SamplingParams>>;
    exemplars: number;
  };
  deadlines: {
    phoneMs: number;
    restMs: number;
    stages: { classify: number; generate: number; comply: number; match: number };
  };
  compliance: {
    input: Record<string, PolicyAction>;
    output: Record<string, PolicyAction>;
  };
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export const DEFAULT_CAMPAIGN_ID = 'default';

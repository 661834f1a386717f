import type { IntentName } from '@huashu/intent';

export type ScriptStage = 'new' | 'engaged' | 'interested' | 'hot' | 'closed';

/** A script as stored (DESIGN §4 shape). */
export interface Script {
  id: string;
  campaignId: string;
  text: string;
  intent?: IntentName;
  stage?: ScriptStage;
  tags: string[];
  fallback: boolean;
  threshold?: number;
  enabled: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface ScriptMatch {
  scriptId: string;
  text: string;
  similarity: number;
}

export interface MatchQuery {
  campaignId: string;
  /** The candidate answer to match (embedded by the matcher) … */
  text?: string;
  /** … or a vector already embedded by the caller. */
  vector?: Float32Array;
  k?: number;
  /** Published version to search; default the campaign's current published version. */
  version?: number | 'draft';
  /** Scripted route: restrict to scripts tagged with this intent (and stage when given). */
  intent?: IntentName;
  stage?: ScriptStage;
  /** No-repeat: script ids this conversation already heard. */
  excludeIds?: string[];
  /** Include fallback scripts among candidates (default false). */
  includeFallbacks?: boolean;
  /**
   * Only scripts this accepts are candidates (the dialogue passes "fits the turn's action"): the
   * threshold then judges the best accepted one, never a better one that was refused.
   */
  allow?: (script: Script) => boolean;
}

export interface MatchOutcome {
  matches: ScriptMatch[];
  /** The threshold applied to the best match (the script's own, else the campaign's). */
  threshold: number;
  libraryVersion: number;
  /** Best match at or above its threshold, if any. */
  accepted?: ScriptMatch;
  /** True when nothing was accepted; then `fallbackScriptId` is the resolved fallback. */
  fallback: boolean;
  fallbackScriptId?: string;
}

/**
 * What the dialogue pipeline and the admin match endpoint use. Implemented in this lib over the
 * published HNSW index of each campaign.
 */
export interface ScriptMatcherPort {
  match(query: MatchQuery): Promise<MatchOutcome>;
  /**
   * Fallback for the intent, else for the stage, else the campaign default; in `language` (a script
   * tag such as "zh" or "en", default the campaign's) when the library has one.
   */
  resolveFallback(
    campaignId: string,
    opts: { intent?: IntentName; stage?: ScriptStage; version?: number; language?: string },
  ): Promise<Script>;
  /**
   * The enabled scripts of the published library that `where` accepts, in library order: the
   * dialogue looks up a campaign-named script's counterpart in another language, or a generic
   * transfer announcement, this way.
   */
  findScripts(campaignId: string, where: (script: Script) => boolean): Promise<Script[]>;
  /**
   * The distinct tags of the enabled scripts of the published library (the dialogue finds the
   * languages a library speaks in them), computed once per loaded library version.
   */
  libraryTags(campaignId: string): Promise<ReadonlySet<string>>;
  /** A script of the published library (or the draft). */
  getScript(campaignId: string, scriptId: string, version?: number | 'draft'): Promise<Script | undefined>;
  /**
   * The published library version a script returned by this port belongs to (what a reply reports
   * as `libraryVersion`); undefined for a draft script or an object this port did not hand out.
   */
  libraryVersionOf(script: Script): number | undefined;
  /** Fill `{slot}` placeholders; see the lib's README section for the missing-slot rule. */
  fillSlots(text: string, slots: Record<string, string | undefined>): { text: string; missing: string[] };
}

export const SCRIPT_MATCHER = Symbol('ScriptMatcher');

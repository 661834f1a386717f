import type { IntentName } from '@huashu/intent';
import type { ComplianceHit, Verdict } from '@huashu/compliance';

export type Channel = 'rest' | 'phone';
export type Route = 'script' | 'generator' | 'fallback';
export type Action = 'continue' | 'transfer' | 'hangup';
export type LeadStage = 'new' | 'engaged' | 'interested' | 'hot' | 'closed';

export interface Reply {
  text: string;
  scriptId: string;
  libraryVersion: number;
  similarity: number | null;
  fallback: boolean;
}

/** The binding result of one turn (DESIGN §4). */
export interface TurnResult {
  conversationId: string;
  turn: number;
  reply: Reply;
  intent: { name: IntentName; confidence: number };
  route: Route;
  action: Action;
  /** For `transfer`: reason and target; for `hangup`: reason. Additive to the binding shape. */
  actionDetail?: { reason: string; target?: string; summary?: string };
  leadStage: LeadStage;
  degraded: boolean;
  compliance: {
    input: { verdict: Verdict; hits?: ComplianceHit[] };
    output: { verdict: Verdict; hits: ComplianceHit[] };
  };
  timingsMs: { classify: number; generate: number; comply: number; match: number; total: number };
}

export interface StartConversation {
  campaignId?: string;
  channel?: Channel;
  customer?: { name?: string; phone?: string };
  metadata?: Record<string, unknown>;
}

export interface StartedConversation {
  conversationId: string;
  reply?: Reply;
}

/**
 * What transports (REST chat, telephony adapters) call. Implemented in this lib by the turn
 * pipeline; adapters depend on this interface only.
 */
export interface DialoguePort {
  start(req: StartConversation): Promise<StartedConversation>;
  turn(conversationId: string, input: { text: string; signal?: AbortSignal }): Promise<TurnResult>;
  end(conversationId: string, reason: string): Promise<void>;
}

export const DIALOGUE = Symbol('Dialogue');

import type { IntentName } from '@huashu/intent';
import type { Action, Channel, LeadStage } from '../turn-result.js';

/** One line of the conversation as stored (customer text is always the redacted form). */
export interface TranscriptEntry {
  turn: number;
  role: 'customer' | 'bot' | 'event';
  text: string;
  at: string;
  scriptId?: string;
  intent?: IntentName;
  action?: Action;
  leadStage?: LeadStage;
  /** The warmest stage reached on this turn (leadStage is `closed` once the call ends). */
  reachedStage?: LeadStage;
}

/** A conversation's state in Redis (JSON under a TTL). */
export interface Session {
  id: string;
  campaignId: string;
  channel: Channel;
  /** The phone is kept (E.164) while the session lives because a callback needs it. */
  customer: { name?: string; phone?: string };
  metadata: Record<string, unknown>;
  status: 'active' | 'ended';
  stage: LeadStage;
  /** Turns taken so far (the greeting is turn 0). */
  turn: number;
  /** Script ids this conversation already heard (no-repeat on the scripted route). */
  heard: string[];
  consecutiveFallbacks: number;
  retentionAttempted: boolean;
  pendingRetention: boolean;
  /** Intents seen, in order (for the transfer summary). */
  intents: IntentName[];
  /** Last turns for the generator prompt, redacted. */
  history: { role: 'user' | 'assistant'; content: string }[];
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
  endReason?: string;
}

/** A fresh conversation: stage `new`, no turns, nothing heard. */
export function newSession(
  init: Pick<Session, 'id' | 'campaignId' | 'channel' | 'customer' | 'metadata'>,
  now = new Date().toISOString(),
): Session {
  return {
    ...init,
    status: 'active',
    stage: 'new',
    turn: 0,
    heard: [],
    consecutiveFallbacks: 0,
    retentionAttempted: false,
    pendingRetention: false,
    intents: [],
    history: [],
    createdAt: now,
    updatedAt: now,
  };
}

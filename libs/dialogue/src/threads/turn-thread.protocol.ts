import type { AppConfig } from '@huashu/config';
import type { MetricsSnapshot } from '@huashu/common';

/**
 * Messages between the gateway's event loop and a turn thread (turn-thread.pool.ts). A turn is a
 * bare array: it crosses once per request, so it is kept as small as structured clone allows.
 */
export type TurnRequest = [n: number, conversationId: string, text: string];
/** The TurnResult as JSON (the gateway sends it as it is), or the error as the binding body's fields. */
export type TurnReply = [n: number, json: string] | [n: number, json: null, error: WireError];

export interface WireError {
  code: string;
  message: string;
  details: unknown[];
}

export type ControlRequest = { type: 'metrics'; n: number } | { type: 'close' };
export type ControlReply =
  { type: 'ready' } | { type: 'failed'; message: string } | { type: 'metrics'; n: number; snapshot: MetricsSnapshot };

export interface TurnThreadData {
  config: AppConfig;
  index: number;
}

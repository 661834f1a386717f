import type { AppConfig } from '@huashu/config';
import type { MetricsSnapshot } from '@huashu/common';

/**
 * Messages between the gateway's event loop and a turn thread (turn-thread.pool.ts). Turns cross in
 * batches: each side collects what it has for the other in one event-loop turn and posts it as one
 * flat array (an Outbox), so the turns whose requests arrived together also start together in the
 * thread and share its model runs, and a message's fixed cost is paid once per batch.
 */
/** Flat triples: turn number, conversation id, utterance. */
export type TurnBatch = (number | string)[];
/** Flat triples: turn number, the TurnResult's JSON (sent as it is) or null, and then the error. */
export type ReplyBatch = (number | string | WireError | null)[];

/** Collects items for one port and posts them once per event-loop turn (check phase) as one array. */
export class Outbox<T> {
  private items: T[] = [];

  constructor(private readonly send: (batch: T[]) => void) {}

  push3(a: T, b: T, c: T): void {
    if (this.items.length === 0) setImmediate(this.flush);
    this.items.push(a, b, c);
  }

  private readonly flush = (): void => {
    const batch = this.items;
    this.items = [];
    this.send(batch);
  };
}

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

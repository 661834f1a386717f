import { Injectable } from '@nestjs/common';
import { DialogueService } from '../pipeline/dialogue.service.js';
import type {
  DialoguePort,
  Reply,
  StartConversation,
  StartedConversation,
  TurnResult,
  TurnStreamEvent,
} from '../turn-result.js';
import { TurnThreadPool } from './turn-thread.pool.js';

/**
 * DIALOGUE when turn threads are on: plain turns go to the conversation's thread; starts, ends and
 * streamed turns (which speak before they commit, and may be aborted) stay in the event loop.
 */
@Injectable()
export class ThreadedDialogue implements DialoguePort {
  constructor(
    private readonly local: DialogueService,
    private readonly pool: TurnThreadPool,
  ) {}

  start(req: StartConversation): Promise<StartedConversation> {
    return this.local.start(req);
  }

  async turn(conversationId: string, input: { text: string; signal?: AbortSignal }): Promise<TurnResult> {
    if (input.signal) return this.local.turn(conversationId, input);
    const json = this.pool.turn(conversationId, input.text);
    return json ? (JSON.parse(await json) as TurnResult) : this.local.turn(conversationId, input);
  }

  /** The turn as the JSON the thread wrote: the HTTP route sends it without parsing it again. */
  async turnJson(conversationId: string, text: string): Promise<string> {
    return this.pool.turn(conversationId, text) ?? JSON.stringify(await this.local.turn(conversationId, { text }));
  }

  turnStream(conversationId: string, input: { text: string; signal?: AbortSignal }): AsyncIterable<TurnStreamEvent> {
    return this.local.turnStream(conversationId, input);
  }

  end(conversationId: string, reason: string): Promise<void> {
    return this.local.end(conversationId, reason);
  }

  close(conversationId: string, close: { reason: string; action: 'hangup' | 'transfer' }): Promise<Reply | undefined> {
    return this.local.close(conversationId, close);
  }

  reopen(conversationId: string, reason: string): Promise<Reply | undefined> {
    return this.local.reopen(conversationId, reason);
  }
}

import { Injectable } from '@nestjs/common';
import { SessionRepository } from '@huashu/dialogue';

/**
 * Records what the caller actually heard of the last reply when they barged in, so the
 * conversation's record and the generator's history match the call, not the full script.
 */
export interface BargeInRecorder {
  record(conversationId: string, heard: string): Promise<void>;
}

export const BARGE_IN_RECORDER = Symbol('BargeInRecorder');

/**
 * Adapter on the dialogue's session store. The transcript is an append-only stream, so the cut is
 * recorded as an `event` line after the bot's reply, with the heard text in `heard`: the generator's
 * history, rebuilt from the transcript, then shows the assistant's last message cut to it. Runs under
 * the conversation lock, after any turn still committing.
 */
@Injectable()
export class SessionBargeInRecorder implements BargeInRecorder {
  constructor(private readonly sessions: SessionRepository) {}

  async record(conversationId: string, heard: string): Promise<void> {
    // The lock's round trip reads the session too: no second read.
    await this.sessions.withLock(conversationId, async (lock, session) => {
      if (!session || session.status !== 'active') return;
      const at = new Date().toISOString();
      await this.sessions.commit(lock, { ...session, updatedAt: at }, [
        { turn: session.turn, role: 'event', text: `barge-in; the caller heard: ${heard}`, at, heard },
      ]);
    });
  }
}

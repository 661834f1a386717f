import { Injectable } from '@nestjs/common';
import type { LeadStage } from '../turn-result.js';
import type { Session, TranscriptEntry } from '../session/session.js';
import { SessionRepository } from '../session/session.repository.js';
import { utteranceKey } from '../pipeline/utterance-key.js';

/** One exported conversation (a JSONL line). */
export interface ExportedConversation {
  conversationId: string;
  startedAt?: string;
  outcome: { action?: string; leadStage?: LeadStage; reachedStage: LeadStage; ended: boolean };
  transcript: TranscriptEntry[];
}

export interface ExportSummary {
  conversations: number;
  chatExamples: number;
}

/** Customer utterances the dialogue put out of scope, grouped (`--out-of-scope`). */
export interface OutOfScopeUtterance {
  /** The earliest wording said (redacted, as stored): the same whatever order conversations are read in. */
  text: string;
  /** Turns with this utterance (compared case-, space- and punctuation-blind). */
  count: number;
  conversations: number;
  /** Campaigns of those conversations whose session was still there (sessions expire before transcripts). */
  campaigns: string[];
  lastAt: string;
}

/** Customer text the dialogue withheld (screening down or input blocked) carries no wording to learn from. */
const WITHHELD_PREFIX = '[withheld:';

const RANK: Record<LeadStage, number> = { new: 0, engaged: 1, interested: 2, hot: 3, closed: -1 };

/**
 * A conversation worth learning from for the generator: the lead became hot (ready to buy and
 * handed to a closer). Those bot replies are approved scripts that moved a lead forward.
 */
const successful = (c: ExportedConversation): boolean => c.outcome.reachedStage === 'hot';

/**
 * Exports transcripts as JSONL (one conversation a line, customer text already redacted) and
 * optionally the successful ones in the OpenAI chat fine-tuning format
 * ({"messages":[{role, content}…]}, https://platform.openai.com/docs/guides/supervised-fine-tuning).
 */
@Injectable()
export class TranscriptExporter {
  constructor(private readonly sessions: SessionRepository) {}

  async export(opts: {
    fromMs: number;
    toMs: number;
    write: (line: string) => Promise<void> | void;
    writeChat?: (line: string) => Promise<void> | void;
    systemPrompt?: (campaignId: string) => Promise<string | undefined>;
    onProgress?: (done: number, total: number) => void;
    /** Also group the customer utterances put out of scope, most frequent first (to write intent examples from). */
    outOfScope?: boolean;
  }): Promise<ExportSummary & { outOfScope?: OutOfScopeUtterance[] }> {
    const ids = await this.sessions.indexed(opts.fromMs, opts.toMs);
    let conversations = 0;
    let chatExamples = 0;
    const unanswered = opts.outOfScope ? new OutOfScopeGroups() : undefined;
    for (const [i, id] of ids.entries()) {
      const transcript = await this.sessions.transcript(id);
      opts.onProgress?.(i + 1, ids.length);
      if (transcript.length === 0) continue; // expired
      const conv = toExport(id, transcript);
      await opts.write(JSON.stringify(conv));
      conversations++;
      // Read once, and only when needed: its campaign (it may have expired before the transcript).
      let session: Promise<Session | undefined> | undefined;
      const sessionOf = () => (session ??= this.sessions.get(id));
      if (unanswered) {
        const lines = transcript.filter(
          (e) => e.role === 'customer' && e.intent === 'out_of_scope' && !e.text.startsWith(WITHHELD_PREFIX),
        );
        if (lines.length > 0) unanswered.add(id, (await sessionOf())?.campaignId, lines);
      }
      if (opts.writeChat && successful(conv)) {
        const campaignId = (await sessionOf())?.campaignId;
        const system = campaignId && opts.systemPrompt ? await opts.systemPrompt(campaignId) : undefined;
        const messages = [
          ...(system ? [{ role: 'system', content: system }] : []),
          ...transcript
            .filter((e) => e.role !== 'event')
            .map((e) => ({ role: e.role === 'customer' ? 'user' : 'assistant', content: e.text })),
        ];
        // A fine-tuning example must end on the assistant.
        while (messages.length > 0 && messages[messages.length - 1].role !== 'assistant') messages.pop();
        if (messages.some((m) => m.role === 'user')) {
          await opts.writeChat(JSON.stringify({ messages }));
          chatExamples++;
        }
      }
    }
    return unanswered
      ? { conversations, chatExamples, outOfScope: unanswered.list() }
      : { conversations, chatExamples };
  }
}

/** Out-of-scope customer lines grouped by `utteranceKey`, for `export({ outOfScope: true })`. */
class OutOfScopeGroups {
  private readonly groups = new Map<
    string,
    { text: string; firstAt: string; count: number; lastAt: string; conversations: Set<string>; campaigns: Set<string> }
  >();

  add(conversationId: string, campaignId: string | undefined, lines: TranscriptEntry[]): void {
    for (const e of lines) {
      const key = utteranceKey(e.text);
      if (key === '') continue;
      let g = this.groups.get(key);
      if (!g) {
        g = { text: e.text, firstAt: e.at, count: 0, lastAt: e.at, conversations: new Set(), campaigns: new Set() };
        this.groups.set(key, g);
      } else if (e.at < g.firstAt || (e.at === g.firstAt && e.text < g.text)) {
        // Conversations started in the same millisecond come in any order: the wording kept must not.
        g.text = e.text;
        g.firstAt = e.at;
      }
      g.count++;
      g.conversations.add(conversationId);
      if (campaignId) g.campaigns.add(campaignId);
      if (e.at > g.lastAt) g.lastAt = e.at;
    }
  }

  /** Most frequent first (then in more conversations, then by text). */
  list(): OutOfScopeUtterance[] {
    return [...this.groups.values()]
      .map((g) => ({
        text: g.text,
        count: g.count,
        conversations: g.conversations.size,
        campaigns: [...g.campaigns].sort(),
        lastAt: g.lastAt,
      }))
      .sort((a, b) => b.count - a.count || b.conversations - a.conversations || a.text.localeCompare(b.text));
  }
}

export function toExport(id: string, transcript: TranscriptEntry[]): ExportedConversation {
  const bots = transcript.filter((e) => e.role === 'bot');
  const last = bots[bots.length - 1];
  let reached: LeadStage = 'new';
  for (const e of transcript) {
    for (const st of [e.leadStage, e.reachedStage]) if (st && RANK[st] > RANK[reached]) reached = st;
  }
  const ended =
    transcript.some((e) => e.role === 'event' && e.text.startsWith('ended')) ||
    (last?.action ?? 'continue') !== 'continue';
  return {
    conversationId: id,
    startedAt: transcript[0]?.at,
    outcome: { action: last?.action, leadStage: last?.leadStage, reachedStage: reached, ended },
    transcript,
  };
}

import { Redis } from 'ioredis';
import { loadConfig } from '@huashu/config';
import { newSession, type Session, type TranscriptEntry } from '../session/session.js';
import { SessionRepository } from '../session/session.repository.js';
import { TranscriptExporter } from './transcript-exporter.js';
import { deletePrefix, uniquePrefix } from '../../../../test/support/redis-prefix.js';

// Real Redis under a prefix of this run alone.
const prefix = uniquePrefix('export');
const config = loadConfig({ REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix });
const redis = new Redis(config.redis.url, { keyPrefix: prefix });
const repo = new SessionRepository(redis, config);

afterAll(async () => {
  await deletePrefix(prefix, config.redis.url);
  redis.disconnect();
});

const session = (id: string): Session =>
  newSession({ id, campaignId: 'default', channel: 'rest', customer: {}, metadata: {} });

const line = (turn: number, role: TranscriptEntry['role'], text: string, extra: Partial<TranscriptEntry> = {}) => ({
  turn,
  role,
  text,
  at: new Date().toISOString(),
  ...extra,
});

describe('TranscriptExporter (real Redis)', () => {
  it('writes every conversation as JSONL and the hot ones as chat fine-tuning examples', async () => {
    const hot = repo.newId();
    const cold = repo.newId();
    await repo.create(session(hot), [line(0, 'bot', '您好，我是小李')]);
    await repo.create(session(cold), [line(0, 'bot', 'Hello, this is Lee')]);
    await repo.withLock(hot, async (lock, s) => {
      await repo.commit(lock, { ...s!, turn: 1 }, [
        line(1, 'customer', '那就办吧'),
        line(1, 'bot', '好的，我为您转接办理专员', { action: 'transfer', leadStage: 'closed', reachedStage: 'hot' }),
      ]);
    });
    await repo.withLock(cold, async (lock, s) => {
      await repo.commit(lock, { ...s!, turn: 1 }, [
        line(1, 'customer', 'not interested'),
        line(1, 'bot', 'Goodbye', { action: 'hangup', leadStage: 'closed', reachedStage: 'new' }),
      ]);
    });

    const lines: string[] = [];
    const chat: string[] = [];
    const progress: number[] = [];
    const summary = await new TranscriptExporter(repo).export({
      fromMs: 0,
      toMs: Date.now(),
      write: (l) => void lines.push(l),
      writeChat: (l) => void chat.push(l),
      onProgress: (done) => progress.push(done),
    });

    expect(summary).toEqual({ conversations: 2, chatExamples: 1 });
    expect(progress).toEqual([1, 2]);
    const exported = lines.map((l) => JSON.parse(l) as { conversationId: string; outcome: Record<string, unknown> });
    expect(exported.find((e) => e.conversationId === hot)!.outcome).toEqual({
      action: 'transfer',
      leadStage: 'closed',
      reachedStage: 'hot',
      ended: true,
    });
    expect(exported.find((e) => e.conversationId === cold)!.outcome).toMatchObject({
      action: 'hangup',
      reachedStage: 'new',
    });
    expect(JSON.parse(chat[0])).toEqual({
      messages: [
        { role: 'assistant', content: '您好，我是小李' },
        { role: 'user', content: '那就办吧' },
        { role: 'assistant', content: '好的，我为您转接办理专员' },
      ],
    });
  });

  it('groups the customer utterances put out of scope, most frequent first, with their campaigns', async () => {
    const a = repo.newId();
    const b = repo.newId();
    await repo.create({ ...session(a), campaignId: 'oos-a' }, [line(0, 'bot', '您好')]);
    await repo.create({ ...session(b), campaignId: 'oos-b' }, [line(0, 'bot', 'Hello')]);
    const oos = { intent: 'out_of_scope' as const };
    await repo.withLock(a, async (lock, s) => {
      await repo.commit(lock, { ...s!, turn: 3 }, [
        // Said first (explicit times: the two conversations may start in the same millisecond and
        // be read in either order).
        line(1, 'customer', '宽带装好要等几天？', { ...oos, at: '2026-11-30T04:00:00.000Z' }),
        line(1, 'bot', '不好意思', { intent: 'out_of_scope' }),
        line(2, 'customer', '[withheld: input screening unavailable]', oos),
        line(3, 'customer', '多少钱', { intent: 'ask_price' }),
      ]);
    });
    await repo.withLock(b, async (lock, s) => {
      await repo.commit(lock, { ...s!, turn: 3 }, [
        line(1, 'customer', '宽带装好  要等几天', { ...oos, at: '2026-11-30T04:00:01.000Z' }),
        line(2, 'customer', 'Can I keep my NUMBER?', oos),
        line(3, 'customer', '...', oos),
      ]);
    });
    const summary = await new TranscriptExporter(repo).export({
      fromMs: 0,
      toMs: Date.now(),
      write: () => undefined,
      outOfScope: true,
    });
    const mine = summary.outOfScope!.filter((u) => u.campaigns.some((c) => c.startsWith('oos-')));
    expect(mine).toEqual([
      {
        text: '宽带装好要等几天？',
        count: 2,
        conversations: 2,
        campaigns: ['oos-a', 'oos-b'],
        lastAt: expect.any(String),
      },
      { text: 'Can I keep my NUMBER?', count: 1, conversations: 1, campaigns: ['oos-b'], lastAt: expect.any(String) },
    ]);
    // Without the option nothing is grouped.
    expect(
      (await new TranscriptExporter(repo).export({ fromMs: 0, toMs: Date.now(), write: () => undefined })).outOfScope,
    ).toBeUndefined();
  });
});

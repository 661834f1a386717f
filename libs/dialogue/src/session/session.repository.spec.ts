import { Redis } from 'ioredis';
import { HuashuException } from '@huashu/common';
import { loadConfig, type AppConfig } from '@huashu/config';
import { DIALOGUE_KEYS } from '../dialogue.constants.js';
import { newSession, type Session, type TranscriptEntry } from './session.js';
import { SessionRepository } from './session.repository.js';
import { deletePrefix, uniquePrefix } from '../../../../test/support/redis-prefix.js';

// Real Redis under a prefix of this run alone.
const prefix = uniquePrefix('session-repo');
const config: AppConfig = loadConfig({
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  REDIS_KEY_PREFIX: prefix,
  CONVERSATION_LOCK_WAIT_MS: '300',
});
const redis = new Redis(config.redis.url, { keyPrefix: prefix });

const session = (id: string, turn = 0): Session => ({
  ...newSession({ id, campaignId: 'default', channel: 'rest', customer: {}, metadata: {} }),
  turn,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Take a conversation's lock through `r` and keep it until `release()`; `held` settles after that. */
async function holdLock(r: SessionRepository, id: string): Promise<{ held: Promise<void>; release: () => void }> {
  let release!: () => void;
  let inside!: () => void;
  const entered = new Promise<void>((resolve) => (inside = resolve));
  const held = r.withLock(id, () => {
    inside();
    return new Promise<void>((resolve) => (release = resolve));
  });
  // Returns once the lock is really held (a fixed sleep was too short on a loaded machine).
  await entered;
  return { held, release };
}

afterAll(async () => {
  await deletePrefix(prefix, config.redis.url);
  redis.disconnect();
});

describe('SessionRepository (real Redis)', () => {
  const repo = new SessionRepository(redis, config);

  it('rebuilds the generator history from the end of the transcript: barge-ins cut, events skipped, last N turns', async () => {
    const id = repo.newId();
    const at = '2026-11-29T00:00:00.000Z';
    await repo.create(session(id), [
      { turn: 0, role: 'event', text: 'started', at },
      { turn: 0, role: 'bot', text: 'greeting', at },
    ]);
    for (let turn = 1; turn <= 12; turn++) {
      await repo.withLock(id, async (lock, s) => {
        const lines: TranscriptEntry[] = [
          { turn, role: 'customer', text: `ask ${turn}`, at },
          { turn, role: 'bot', text: `answer ${turn}`, at },
        ];
        if (turn === 12) lines.push({ turn, role: 'event', text: 'barge-in; the caller heard: ans', at, heard: 'ans' });
        expect(await repo.commit(lock, { ...s!, turn }, lines)).toBe(true);
      });
    }
    expect(await repo.history(id, 2)).toEqual([
      { role: 'user', content: 'ask 11' },
      { role: 'assistant', content: 'answer 11' },
      { role: 'user', content: 'ask 12' },
      { role: 'assistant', content: 'ans' },
    ]);
    const all = await repo.history(id, 20);
    expect(all[0]).toEqual({ role: 'assistant', content: 'greeting' });
    expect(all).toHaveLength(25);
    expect(await repo.history(repo.newId(), 10)).toEqual([]);
  });

  it('serialises turns of one conversation: read-modify-write loses no update', async () => {
    // Waiters queue behind 19 others here: give them time on a busy machine.
    const repo = new SessionRepository(redis, { ...config, dialogue: { ...config.dialogue, lockWaitMs: 30_000 } });
    const id = repo.newId();
    await repo.create(session(id), []);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repo.withLock(id, async (lock) => {
          const s = (await repo.get(id))!;
          await sleep(1);
          const ok = await repo.commit(lock, { ...s, turn: s.turn + 1 }, [
            { turn: s.turn + 1, role: 'customer', text: `t${i}`, at: '' },
          ]);
          expect(ok).toBe(true);
        }),
      ),
    );
    expect((await repo.get(id))!.turn).toBe(20);
    expect((await repo.transcript(id)).map((e) => e.turn)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('a second gateway waits for the Redis lock up to the bound, then gets 409 CONVERSATION_BUSY', async () => {
    const other = new SessionRepository(redis, config);
    const id = repo.newId();
    await repo.create(session(id), []);
    const { held, release } = await holdLock(repo, id);
    const err = await other.withLock(id, () => Promise.resolve()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HuashuException);
    expect((err as HuashuException).code).toBe('CONVERSATION_BUSY');
    release();
    await held;
    // Free again: the other gateway gets it now.
    await expect(other.withLock(id, () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('local waiters beyond the bound get 409 as well, and the queue keeps working', async () => {
    const id = repo.newId();
    const { held, release } = await holdLock(repo, id);
    const waiter = repo.withLock(id, () => Promise.resolve()).catch((e: HuashuException) => e.code);
    await expect(waiter).resolves.toBe('CONVERSATION_BUSY');
    release();
    await held;
    await expect(repo.withLock(id, () => Promise.resolve(1))).resolves.toBe(1);
  });

  it('a turn that lost its lock cannot commit (no lost update)', async () => {
    const id = repo.newId();
    await repo.create(session(id, 5), []);
    await repo.withLock(id, async (lock) => {
      // Simulate the lock expiring and another turn taking it.
      await redis.set(DIALOGUE_KEYS.lock(id), 'someone-else');
      expect(await repo.commit(lock, session(id, 99), [{ turn: 99, role: 'bot', text: 'x', at: '' }])).toBe(false);
    });
    expect((await repo.get(id))!.turn).toBe(5);
    expect(await repo.transcript(id)).toEqual([]);
  });

  describe('optimistic turns on a cached session', () => {
    /** One read-modify-commit "turn" as DialogueService does it; counts how often the work ran. */
    const turn = async (r: SessionRepository, id: string, text: string, runs: string[]) =>
      r.withLock(
        id,
        async (lock, s) => {
          runs.push(lock.token === undefined ? 'cached' : 'locked');
          const next = { ...s!, turn: s!.turn + 1 };
          expect(await r.commit(lock, next, [{ turn: next.turn, role: 'customer', text, at: '' }])).toBe(true);
          return next.turn;
        },
        { optimistic: true },
      );

    it('runs on the cached session without the lock while the conversation stays on one gateway', async () => {
      const id = repo.newId();
      await repo.create(session(id), []);
      const runs: string[] = [];
      for (let i = 1; i <= 3; i++) await expect(turn(repo, id, `t${i}`, runs)).resolves.toBe(i);
      expect(runs).toEqual(['cached', 'cached', 'cached']);
      expect((await repo.get(id))!.turn).toBe(3);
    });

    it('hands out the committed session frozen: a turn cannot change what the next turn starts from', async () => {
      const id = repo.newId();
      await repo.create(session(id), []);
      const runs: string[] = [];
      await turn(repo, id, 't1', runs);
      await repo.withLock(
        id,
        (_lock, s) => {
          expect(s!.turn).toBe(1);
          expect(() => s!.heard.push('x')).toThrow(TypeError);
          expect(() => ((s as { turn: number }).turn = 7)).toThrow(TypeError);
          return Promise.resolve();
        },
        { optimistic: true },
      );
      await expect(turn(repo, id, 't2', runs)).resolves.toBe(2);
      expect(runs).toEqual(['cached', 'cached']);
      expect((await repo.get(id))!.heard).toEqual([]);
    });

    it('redoes the turn under the lock when another gateway committed meanwhile (no lost update)', async () => {
      const other = new SessionRepository(redis, config);
      const id = repo.newId();
      await repo.create(session(id), []);
      const runs: string[] = [];
      await turn(repo, id, 'a1', runs);
      await turn(other, id, 'b1', []); // the other gateway has no cached copy: locked path
      await expect(turn(repo, id, 'a2', runs)).resolves.toBe(3); // stale cache → redone on turn 2
      expect(runs).toEqual(['cached', 'cached', 'locked']);
      expect((await repo.transcript(id)).map((e) => `${e.turn}:${e.text}`)).toEqual(['1:a1', '2:b1', '3:a2']);
      // The locked commit refreshed the cache: the next turn is optimistic again.
      await turn(repo, id, 'a3', runs);
      expect(runs.at(-1)).toBe('cached');
    });

    it('does not commit while another gateway holds the lock; waits for it instead', async () => {
      const other = new SessionRepository(redis, config);
      const id = repo.newId();
      await repo.create(session(id), []);
      const { held, release } = await holdLock(other, id);
      const runs: string[] = [];
      const mine = turn(repo, id, 'a1', runs);
      await sleep(50);
      release();
      await held;
      await expect(mine).resolves.toBe(1);
      expect(runs).toEqual(['cached', 'locked']);
      expect((await repo.transcript(id)).map((e) => e.text)).toEqual(['a1']);
    });

    it('an expired session is not revived from the cache', async () => {
      const id = repo.newId();
      await repo.create(session(id), []);
      await redis.del(DIALOGUE_KEYS.session(id), DIALOGUE_KEYS.rev(id));
      // The cached copy is handed out first, but its commit is refused and the redo sees no session.
      const result = await repo
        .withLock(
          id,
          async (lock, s) => {
            if (!s) return 'gone';
            await repo.commit(lock, { ...s, turn: 1 }, []);
            return 'committed';
          },
          { optimistic: true },
        )
        .catch((e: unknown) => String(e));
      expect(result).toBe('gone');
      expect(await repo.get(id)).toBeUndefined();
    });
  });
});

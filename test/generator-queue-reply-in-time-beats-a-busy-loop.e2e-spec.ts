// Scenario: GENERATOR_MODE=queue. The worker answers the job in time, but the gateway's event loop is
// busy (a long synchronous stretch on a loaded host) from right after the job is queued until past the
// generation deadline. Node runs due timers before it reads the sockets, so a deadline fired from its
// timer would throw away a result that was already waiting on the reply connection. The facade's
// deadline fires by the stage deadlines' rule (onDeadline): after that loop iteration's I/O.
// The worker and the fake LLM server each run in their own process, so the result really is published
// and on the gateway's Redis socket while this loop is blocked.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { nowMs } from '@huashu/common';
import { GENERATION_QUEUE, GENERATOR, type Generator } from '@huashu/generator';
import { bullPrefix } from '@huashu/redis';
import { GeneratorHttpModule } from '../apps/gateway/src/generator/generator-http.module.js';
import { bootHttpStack, testEnv, type Booted } from './support/boot.js';
import { spawnWorker, stopChild, type SourceProcess } from './support/child-process.js';
import { forkFakeOpenAiServer, holdReplies, onRequestFor } from './support/fake-openai-server-child.js';
import { readStream, sentencesOf } from './support/generator-stream.js';
import { TEST_REDIS_URL } from './support/redis-prefix.js';

/** A request of its own: the fake's notice of it is told apart from those of earlier requests. */
const messagesFor = (id: string) => [{ role: 'user' as const, content: `How much is it? (${id})` }];
/** The turn's deadline: the worker has it too (as an absolute time) and is never blocked. */
const DEADLINE_MS = 1000;
/** The fake answers this long after this loop, blocked, released it: well inside the deadline. */
const REPLY_AFTER_MS = 60;

/**
 * Jobs a worker holds, asked synchronously (redis-cli, not this process's Redis clients): the blocked loop
 * cannot run a client's callbacks. The worker publishes the outcome before BullMQ moves the job out of
 * `active`, so an empty list means the result was sent to the gateway's reply connection.
 */
const activeJobs = (keyPrefix: string): number => {
  const key = `${bullPrefix(keyPrefix)}:${GENERATION_QUEUE.name}:active`;
  const r = spawnSync('redis-cli', ['-u', TEST_REDIS_URL, 'LLEN', key], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`redis-cli LLEN ${key}: ${r.stderr || r.stdout}`);
  return n;
};

describe('generator queue: a job result that arrived in time wins over a deadline passed while the loop was busy', () => {
  let llm: ChildProcess;
  let worker: SourceProcess | undefined;
  let gw: Booted;
  let generator: Generator;
  /** The fake's replies, each held until this loop releases it. */
  let release: ReturnType<typeof holdReplies>;

  beforeAll(async () => {
    const forked = await forkFakeOpenAiServer();
    llm = forked.llm;
    const { baseUrl } = forked;
    // One environment, so gateway and worker share the Redis prefix.
    const env = testEnv('gen-queue-busy', {
      GENERATOR_MODE: 'queue',
      GENERATOR_PROVIDER: 'openai',
      LLM_BASE_URL: baseUrl,
      LLM_MODEL: 'fake-model',
      LLM_BACKEND: 'vllm',
      LLM_THINKING: 'tags',
    });
    gw = await bootHttpStack('gen-queue-busy', [GeneratorHttpModule], env);
    generator = gw.app.get<Generator>(GENERATOR);
    // The real worker in its own process (as `npm start` runs it, from the sources), so it goes on
    // working while this loop is blocked.
    worker = spawnWorker(env);
    await worker.started();
    release = holdReplies(llm, { delayMs: REPLY_AFTER_MS, text: 'In time.', chunkChars: 3 });
    // The first job loads lazy modules on both sides and opens the worker's connections: not inside the
    // calls under test.
    await generator.generate({ messages: messagesFor('warm-up'), params: {}, deadlineMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    // The worker first: the gateway's close deletes the prefix, and a worker still up could write to it.
    await worker?.stop();
    await gw?.close();
    await stopChild(llm);
    release.remove();
  });

  /**
   * When the fake says the worker's request for `id` came (the job is queued and taken), block this loop
   * (synchronously) until past the deadline and the worker is done, and release the fake's reply from the
   * blocked loop: the LLM answers REPLY_AFTER_MS later and the worker publishes the result onto the
   * gateway's reply connection while this loop is blocked. (The fake once answered REPLY_AFTER_MS after its
   * notice, whenever this loop read it: on a loaded machine the job was over before the block began.)
   * Returns whether it did.
   */
  function blockPastTheDeadline(id: string, start: number): { blocked: boolean; jobWasActive: boolean } {
    const seen = { blocked: false, jobWasActive: false };
    release.hold();
    onRequestFor(llm, id, () => {
      seen.jobWasActive = activeJobs(gw.config.redis.keyPrefix) > 0;
      release.release();
      // Past the deadline, and until the worker has published the result (no timing guess: it asks Redis).
      // The worker's own deadline is the same absolute time: a reply it got after it would be a timeout.
      while (nowMs() < start + DEADLINE_MS + 50 || activeJobs(gw.config.redis.keyPrefix) > 0);
      seen.blocked = true;
    });
    return seen;
  }

  it('generate(): the job result is used, not timed out', async () => {
    const start = nowMs();
    const loop = blockPastTheDeadline('generate', start);
    const result = await generator.generate({ messages: messagesFor('generate'), params: {}, deadlineMs: DEADLINE_MS });
    // The loop really was held, from while the worker had the job until past the deadline and its result.
    expect(loop).toEqual({ blocked: true, jobWasActive: true });
    expect(result).toMatchObject({ text: 'In time.', finishReason: 'stop' });
  });

  it('stream(): the job result is used, not timed out', async () => {
    const start = nowMs();
    const loop = blockPastTheDeadline('stream', start);
    const { chunks, error } = await readStream(
      generator.stream({ messages: messagesFor('stream'), params: {}, deadlineMs: DEADLINE_MS }),
    );
    expect(error).toBeUndefined();
    expect(loop).toEqual({ blocked: true, jobWasActive: true });
    expect(sentencesOf(chunks)).toEqual(['In time.']);
  });
});

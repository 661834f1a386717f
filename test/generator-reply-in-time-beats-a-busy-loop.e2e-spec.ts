// Scenario: the LLM answers in time, but this process's event loop is busy (a long synchronous stretch on
// a loaded host) until past the generation deadline. Node runs due timers before it reads the sockets, so
// a deadline fired from its timer would abort a reply that was already waiting on the socket. The
// provider's deadline fires by the stage deadlines' rule (onDeadline): after that loop iteration's I/O.
// The fake server runs in its own process, so its reply really arrives while this loop is blocked.
import type { ChildProcess } from 'node:child_process';
import { nowMs } from '@huashu/common';
import { OpenAiCompatibleProvider } from '@huashu/generator';
import { stopChild } from './support/child-process.js';
import { forkFakeOpenAiServer, holdReplies, onRequestFor } from './support/fake-openai-server-child.js';
import { readStream, sentencesOf } from './support/generator-stream.js';

/** A request of its own: the fake's notice of it is told apart from those of earlier requests. */
const messagesFor = (id: string) => [{ role: 'user' as const, content: `How much is it? (${id})` }];
const DEADLINE_MS = 300;
/** The fake answers this long after this loop, blocked, released it: well inside the deadline. */
const REPLY_AFTER_MS = 60;

describe('generator: a reply that arrived in time wins over a deadline passed while the loop was busy', () => {
  let llm: ChildProcess;
  let provider: OpenAiCompatibleProvider;
  /** The fake's replies, each held until this loop releases it. */
  let release: ReturnType<typeof holdReplies>;

  beforeAll(async () => {
    const forked = await forkFakeOpenAiServer();
    llm = forked.llm;
    const { baseUrl } = forked;
    provider = new OpenAiCompatibleProvider({
      baseUrl,
      model: 'fake-model',
      backend: 'vllm',
      thinking: 'tags',
      maxAttempts: 1,
    });
    release = holdReplies(llm, { delayMs: REPLY_AFTER_MS, text: 'In time.', chunkChars: 3 });
    // First use loads the SDK's and undici's lazy modules: not inside the calls under test.
    await provider.generate({ messages: messagesFor('warm-up'), params: {}, deadlineMs: 5000 });
  });

  afterAll(async () => {
    await stopChild(llm);
    release.remove();
  });

  /**
   * When the fake says request `id` came, block this loop (synchronously) until past the deadline, and
   * release the fake's reply from the blocked loop: it comes REPLY_AFTER_MS later, into the socket, while the
   * loop is blocked. (Answered REPLY_AFTER_MS after its notice instead, whenever this loop read it, the reply
   * could come before the block on a loaded machine.) Returns whether it did.
   */
  function blockPastTheDeadline(id: string, start: number): { blocked: boolean } {
    const seen = { blocked: false };
    release.hold();
    onRequestFor(llm, id, () => {
      release.release();
      const until = Math.max(start + DEADLINE_MS, nowMs() + REPLY_AFTER_MS) + 150;
      while (nowMs() < until);
      seen.blocked = true;
    });
    return seen;
  }

  it('generate(): the answer is used, not timed out', async () => {
    const start = nowMs();
    const loop = blockPastTheDeadline('generate', start);
    const result = await provider.generate({ messages: messagesFor('generate'), params: {}, deadlineMs: DEADLINE_MS });
    // The loop really was held past the deadline before the reply was read.
    expect(loop.blocked).toBe(true);
    expect(result).toMatchObject({ text: 'In time.', finishReason: 'stop' });
  });

  it('stream(): the answer is used, not timed out', async () => {
    const start = nowMs();
    const loop = blockPastTheDeadline('stream', start);
    const { chunks, end, error } = await readStream(
      provider.stream({ messages: messagesFor('stream'), params: {}, deadlineMs: DEADLINE_MS }),
    );
    expect(error).toBeUndefined();
    expect(end).toMatchObject({ finishReason: 'stop' });
    expect(loop.blocked).toBe(true);
    expect(sentencesOf(chunks)).toEqual(['In time.']);
  });
});

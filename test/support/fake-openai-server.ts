// A local stand-in for an OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama …): the one
// service the tests cannot run here. It speaks the real wire protocol — JSON responses and SSE
// streaming (`data: {chunk}\n\n` … `data: [DONE]`) per the OpenAI API reference — and can be told to be
// slow, fail, rate-limit, refuse, send garbage or cut the stream, and to show real servers' quirks: vLLM's
// top-level error body, a reasoning model's `<think>` block or `reasoning_content` with no content, and
// several choices when asked for `n` (vLLM beam search). It records every request body and
// whether the client closed the socket before the response ended (to prove cancellation reaches it).
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode = 'ok' | 'fail' | 'ratelimit' | 'garbage' | 'cut' | 'refusal' | 'empty' | 'nofinish';

/** vLLM's 400 for a prompt over the model's context length, its top-level error body verbatim. */
export const VLLM_CONTEXT_400 = {
  object: 'error',
  message:
    "This model's maximum context length is 2048 tokens. However, you requested 2300 tokens (2044 in the messages, 256 in the completion). Please reduce the length of the messages or completion.",
  type: 'BadRequestError',
  param: null,
  code: 400,
};

export interface FakeBehaviour {
  mode?: FakeMode;
  /** Wait before the response starts (headers). */
  delayMs?: number;
  /**
   * Hold each response until this file exists, then wait `delayMs`: a test can release it from a loop it
   * keeps blocked (writeFileSync), so the reply comes after the block began, not after a guessed time.
   */
  releaseFile?: string;
  /** Streaming: wait between chunks. */
  chunkDelayMs?: number;
  /** Streaming: characters per chunk. */
  chunkChars?: number;
  /** Reply text. */
  text?: string;
  /** HTTP status for `fail` (default 500). */
  status?: number;
  /** `retry-after` seconds for `ratelimit`. */
  retryAfterS?: number;
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** `fail`: this JSON body instead of `{error: {message, type}}` (e.g. vLLM's top-level error). */
  errorBody?: unknown;
  /** `fail`: extra response headers (e.g. `retry-after` on a 503). */
  headers?: Record<string, string>;
  /** Reasoning sent before the content, as a reasoning parser's server does (vLLM, llama.cpp, Ollama). */
  reasoning?: string;
  /**
   * Which field carries `reasoning`: `reasoning_content` (default: llama.cpp, DeepSeek, vLLM before the
   * rename), `reasoning` (vLLM after it, Ollama) or `both` with the same text (vLLM between the rename,
   * vllm#27752, and the old field's removal, vllm#33402).
   */
  reasoningField?: 'reasoning_content' | 'reasoning' | 'both';
  /** `message.content: null` (JSON) / no content deltas (SSE), as when the budget went on reasoning. */
  contentNull?: boolean;
  /** The model the response names (default: the request's), as when one server serves several. */
  model?: string;
  /** `system_fingerprint` of the response and each chunk (llama.cpp and OpenAI send one; vLLM none). */
  systemFingerprint?: string;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** performance.now() when the request arrived (to measure a client's backoff). */
  receivedAt: number;
  /** True when the client closed the connection before the server finished the response. */
  clientClosedEarly: boolean;
  /** Resolves once the request is over (finished or closed by the client). */
  settled: Promise<void>;
}

export interface FakeOpenAiServer {
  /** Base URL to give the client, ending in /v1. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Behaviour for the next requests: a fixed one, or one per request in order (the last repeats). */
  behave(b: FakeBehaviour | FakeBehaviour[]): void;
  close(): Promise<void>;
}

const sleep = (ms: number, res: ServerResponse) =>
  new Promise<void>((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Resolves once `file` exists (looked for every 5 ms) or the client has gone. */
const released = (file: string, res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!existsSync(file) && !res.destroyed) return;
      clearInterval(poll);
      resolve();
    }, 5);
  });

/**
 * Start the fake on loopback; `port` 0 (default) picks a free one, a fixed one lets a harness restart it in
 * place. `onRequest` is told of each request as it arrives, before it is answered.
 */
export async function startFakeOpenAiServer(
  opts: { port?: number; onRequest?: (r: RecordedRequest) => void } = {},
): Promise<FakeOpenAiServer> {
  let script: FakeBehaviour[] = [{}];
  let served = 0;
  const requests: RecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'bad json', type: 'invalid_request_error' } }));
      return;
    }
    let settle!: () => void;
    const record: RecordedRequest = {
      path: req.url ?? '',
      receivedAt,
      headers: req.headers,
      body,
      clientClosedEarly: false,
      settled: new Promise((r) => (settle = r)),
    };
    requests.push(record);
    opts.onRequest?.(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosedEarly = true;
      settle();
    });
    if (!req.url?.endsWith('/chat/completions') || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const b = script[Math.min(served++, script.length - 1)];
    const mode = b.mode ?? 'ok';
    const text = b.text ?? 'Hello there. How can I help you today?';
    const model = b.model ?? (typeof body.model === 'string' ? body.model : 'fake-model');
    if (b.releaseFile !== undefined) await released(b.releaseFile, res);
    await sleep(b.delayMs ?? 0, res);
    if (res.destroyed) return;

    switch (mode) {
      case 'ok':
      case 'cut':
      case 'empty':
      case 'nofinish':
      case 'refusal':
        break;
      case 'fail':
        res
          .writeHead(b.status ?? 500, { 'content-type': 'application/json', ...b.headers })
          .end(JSON.stringify(b.errorBody ?? { error: { message: 'upstream exploded', type: 'server_error' } }));
        return;
      case 'ratelimit':
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(b.retryAfterS ?? 0) })
          .end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
        return;
      case 'garbage':
        res
          .writeHead(200, { 'content-type': body.stream ? 'text/event-stream' : 'application/json' })
          .end('{"choices": [ this is not json <html>');
        return;
    }

    const id = `chatcmpl-${served}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = b.finishReason ?? 'stop';
    const fingerprint = b.systemFingerprint !== undefined ? { system_fingerprint: b.systemFingerprint } : {};
    // Several choices when asked for n (vLLM answers beam search with n beams, best first).
    const n = typeof body.n === 'number' && body.n > 1 ? body.n : 1;
    const field = b.reasoningField ?? 'reasoning_content';
    const reasoningOf = (text: string) => ({
      ...(field !== 'reasoning' ? { reasoning_content: text } : {}),
      ...(field !== 'reasoning_content' ? { reasoning: text } : {}),
    });
    if (!body.stream) {
      const message =
        mode === 'refusal'
          ? { role: 'assistant', content: null, refusal: 'I cannot help with that.' }
          : {
              role: 'assistant',
              content: mode === 'empty' || b.contentNull ? null : text,
              refusal: null,
              ...(b.reasoning !== undefined ? reasoningOf(b.reasoning) : {}),
            };
      const others = Array.from({ length: n - 1 }, (_, i) => ({
        index: i + 1,
        message: { role: 'assistant', content: `Another beam ${i + 1}.`, refusal: null },
        finish_reason: finish,
        logprobs: null,
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          ...fingerprint,
          choices: mode === 'empty' ? [] : [{ index: 0, message, finish_reason: finish, logprobs: null }, ...others],
          usage: { prompt_tokens: 12, completion_tokens: text.length, total_tokens: 12 + text.length },
        }),
      );
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (delta: Record<string, unknown>, finishReason: string | null, index = 0) =>
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, ...fingerprint, choices: [{ index, delta, finish_reason: finishReason, logprobs: null }] })}\n\n`,
      );
    send({ role: 'assistant', content: '' }, null);
    if (mode === 'refusal') {
      send({ refusal: 'I cannot help with that.' }, null);
      send({}, 'stop');
      res.end('data: [DONE]\n\n');
      return;
    }
    const size = b.chunkChars ?? 4;
    if (b.reasoning !== undefined)
      for (let i = 0; i < b.reasoning.length; i += size) send(reasoningOf(b.reasoning.slice(i, i + size)), null);
    const pieces: string[] = [];
    if (!b.contentNull) for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    for (const [i, piece] of pieces.entries()) {
      if (res.destroyed) return;
      if (mode === 'cut' && i === Math.floor(pieces.length / 2)) {
        res.socket?.destroy();
        return;
      }
      send({ content: piece }, null);
      for (let k = 1; k < n; k++) send({ content: i === 0 ? `Another beam ${k}. ` : '' }, null, k);
      await sleep(b.chunkDelayMs ?? 0, res);
    }
    if (res.destroyed) return;
    if (mode === 'nofinish') {
      res.end();
      return;
    }
    send({}, finish);
    res.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    behave(b) {
      script = Array.isArray(b) ? b : [b];
      served = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Milliseconds this process's main thread has spent runnable but waiting for a CPU (the second field of
 * Linux's schedstat, https://docs.kernel.org/scheduler/sched-stats.html); 0 where the kernel does not say.
 */
function runQueueWaitMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}

/**
 * Run `work` against a deadline and say how late it settled relative to a reference timer armed for the
 * same deadline just before it: both timers suffer the same event-loop stalls of a loaded machine, and the
 * time the process then waited for a CPU before it could settle is taken off, so `lateMs` is what the code
 * under test adds, not what the scheduler does. (On two cores at load 12 that wait was 2 to 58 ms of the
 * 5 to 60 ms between the reference and the settle; the rest, the abort itself, 1 to 3.3 ms.)
 */
export async function settleAgainstDeadline(
  deadlineMs: number,
  work: () => Promise<unknown>,
): Promise<{ error: unknown; lateMs: number; elapsedMs: number }> {
  const start = performance.now();
  let firedAt: number | undefined;
  let waitedBefore = 0;
  const reference = setTimeout(() => {
    waitedBefore = runQueueWaitMs();
    firedAt = performance.now();
  }, deadlineMs);
  let error: unknown;
  try {
    await work();
  } catch (err) {
    error = err;
  }
  const waited = runQueueWaitMs() - waitedBefore;
  const settledAt = performance.now();
  clearTimeout(reference);
  // Settled before the reference fired: not late (the caller checks elapsedMs against the deadline).
  const lateMs = firedAt === undefined ? 0 : Math.max(0, settledAt - firedAt - waited);
  return { error, lateMs, elapsedMs: settledAt - start };
}

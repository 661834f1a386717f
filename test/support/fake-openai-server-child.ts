// The fake OpenAI-protocol server in a child process (fake-openai-server.process.ts), for tests whose own
// event loop is blocked while the server goes on answering. It tells over IPC each request as it arrives
// (`{ request: {path, body} }`), before it is answered; the test sends it a FakeBehaviour to switch.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeBehaviour } from './fake-openai-server.js';

/** Fork the fake server on a free port with request notices; resolves once it listens. */
export async function forkFakeOpenAiServer(): Promise<{ llm: ChildProcess; baseUrl: string }> {
  const llm = fork(fileURLToPath(new URL('./fake-openai-server.process.ts', import.meta.url)), ['0', 'notify'], {
    // Its own plain Node (not this Jest's VM modules) with tsx for the TypeScript.
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { baseUrl } = await new Promise<{ baseUrl: string }>((resolve, reject) => {
    llm.once('message', (m) => resolve(m as { baseUrl: string }));
    llm.once('exit', (code) => reject(new Error(`fake LLM exited with ${code}`)));
  });
  return { llm, baseUrl };
}

/** Run `then` once, when the forked server says a request came whose messages mention `id`. */
export function onRequestFor(llm: ChildProcess, id: string, then: () => void): void {
  const onRequest = (m: unknown) => {
    const { request } = m as { request?: { body: { messages?: { content: string }[] } } };
    if (!request?.body.messages?.some((msg) => msg.content.includes(id))) return;
    llm.off('message', onRequest);
    then();
  };
  llm.on('message', onRequest);
}

/**
 * Switch the forked fake to `behaviour`, each reply held until a file exists (FakeBehaviour.releaseFile, in
 * a folder of its own), so a test whose loop is blocked releases the reply synchronously. It starts
 * released.
 */
export function holdReplies(
  llm: ChildProcess,
  behaviour: FakeBehaviour,
): { hold(): void; release(): void; remove(): void } {
  const path = join(mkdtempSync(join(tmpdir(), 'huashu-release-')), 'release');
  writeFileSync(path, '');
  llm.send({ ...behaviour, releaseFile: path } satisfies FakeBehaviour);
  return {
    hold: () => rmSync(path, { force: true }),
    release: () => writeFileSync(path, ''),
    remove: () => rmSync(dirname(path), { recursive: true, force: true }),
  };
}

// The boot helpers (boot.ts, generator-gateway.ts) wrapped in the Jest hooks of the block that calls
// them: booted in beforeAll, closed in afterAll. Kept apart from boot.ts, which the benchmarks build
// without Jest's globals.
//
// Each returns its objects at once, empty, and beforeAll copies the booted ones' fields into them
// (their state lives in closures and shared arrays, so the copy is the real thing): a spec can name
// them at describe time and read them in its hooks and tests.
import type { OpsOptions } from '@huashu/ops';
import { bootGateway, bootWorker, type Booted } from './boot.js';
import { WebhookReceiver } from './dialogue.js';
import type { FakeOpenAiServer } from './fake-openai-server.js';
import { bootWithFakeLlm } from './generator-gateway.js';

/** What `boot` boots (bootGateway, bootHttpStack …), for the enclosing block. */
export function bootedForSuite(boot: () => Promise<Booted>): Booted {
  const booted = {} as Booted;
  beforeAll(async () => {
    Object.assign(booted, await boot());
  });
  afterAll(async () => booted.close());
  return booted;
}

/** `bootGateway` for the enclosing block; closing it deletes its Redis prefix. */
export const gatewayForSuite = (label: string, overrides: Record<string, string> = {}, ops: OpsOptions = {}): Booted =>
  bootedForSuite(() => bootGateway(label, overrides, ops));

/** `bootWithFakeLlm` for the enclosing block: the gateway is closed first, then the fake server. */
export function fakeLlmGatewayForSuite(
  label: string,
  env: Record<string, string> = {},
): { gw: Booted; llm: FakeOpenAiServer } {
  const gw = {} as Booted;
  const llm = {} as FakeOpenAiServer;
  beforeAll(async () => {
    const booted = await bootWithFakeLlm(label, env);
    Object.assign(gw, booted.gw);
    Object.assign(llm, booted.llm);
  });
  afterAll(async () => {
    await gw.close();
    await llm.close();
  });
  return { gw, llm };
}

/**
 * The callback stack for the enclosing block: a local dialer webhook, a gateway (in-process generator)
 * whose callbacks POST to it, and a worker that delivers them; closed worker first, then gateway, then
 * the webhook. `env` adds to the gateway's (DIALER_WEBHOOK_SECRET …), `worker` goes to bootWorker.
 */
export function callbackStackForSuite(
  label: string,
  env: Record<string, string> = {},
  worker: { listen?: boolean } = {},
): { gw: Booted; worker: Booted; dialer: WebhookReceiver } {
  const stack = { gw: {} as Booted, worker: {} as Booted, dialer: new WebhookReceiver() };
  beforeAll(async () => {
    await stack.dialer.listen();
    const gw = await bootGateway(label, { GENERATOR_MODE: 'inprocess', DIALER_WEBHOOK_URL: stack.dialer.url, ...env });
    Object.assign(stack.gw, gw);
    Object.assign(stack.worker, await bootWorker(gw.config, worker));
  });
  afterAll(async () => {
    await stack.worker.close();
    await stack.gw.close();
    await stack.dialer.close();
  });
  return stack;
}

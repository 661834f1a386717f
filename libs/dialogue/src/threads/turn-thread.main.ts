// Entry of a turn thread (node:worker_threads), started by TurnThreadPool. It boots the dialogue
// pipeline as a Nest application context and runs the turns the gateway's event loop sends it.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MetricsRegistry } from '@huashu/common';
import { PinoNestLogger, toErrorBody } from '@huashu/ops';
import { DialogueService } from '../pipeline/dialogue.service.js';
import {
  Outbox,
  type ControlReply,
  type ControlRequest,
  type ReplyBatch,
  type TurnBatch,
  type TurnThreadData,
  type WireError,
} from './turn-thread.protocol.js';
import { TurnThreadModule } from './turn-thread.module.js';

const port = parentPort!;
const data = workerData as TurnThreadData;
// A thread neither seeds (the gateway did) nor starts threads of its own.
const config = { ...data.config, dialogue: { ...data.config.dialogue, turnThreads: 0, seedSampleCampaign: false } };
const post = (m: ControlReply) => port.postMessage(m);
const replies = new Outbox<ReplyBatch[number]>((batch) => port.postMessage(batch));

async function main(): Promise<void> {
  const ctx = await NestFactory.createApplicationContext(TurnThreadModule.forRoot(config), { bufferLogs: true });
  ctx.useLogger(ctx.get(PinoNestLogger));
  await ctx.init();
  const logger = new Logger(`TurnThread${data.index}`);
  const dialogue = ctx.get(DialogueService);
  const metrics = ctx.get(MetricsRegistry);
  /** Turns handed over and not answered yet. */
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const wire = (err: unknown): WireError => {
    const { body, unexpected } = toErrorBody(err, '');
    if (unexpected) logger.error({ err }, 'unhandled error in a turn');
    // Through JSON, as the error body would go: details that structured clone refuses (a function,
    // say) must not make the reply's postMessage throw and take the thread down.
    return JSON.parse(
      JSON.stringify({ code: body.error.code, message: body.error.message, details: body.error.details }),
    ) as WireError;
  };

  const onTurn = (n: number, id: string, text: string) => {
    const done: Promise<void> = dialogue.turn(id, { text }).then(
      (result) => replies.push3(n, JSON.stringify(result), null),
      (err: unknown) => replies.push3(n, null, wire(err)),
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };

  const close = async () => {
    if (closing) return;
    closing = true;
    // Finish the turns already handed over (each is bounded by its deadline, this wait by 10 s), then shut down.
    let cap: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(inFlight), new Promise((r) => (cap = setTimeout(r, 10_000)))]);
    clearTimeout(cap);
    await ctx.close();
    port.close();
  };

  port.on('message', (m: TurnBatch | ControlRequest) => {
    if (Array.isArray(m)) {
      for (let i = 0; i < m.length; i += 3) onTurn(m[i] as number, m[i + 1] as string, m[i + 2] as string);
      return;
    }
    if (m.type === 'metrics') {
      void metrics.registry.getMetricsAsJSON().then((snapshot) => post({ type: 'metrics', n: m.n, snapshot }));
    } else if (m.type === 'close') void close();
  });
  post({ type: 'ready' });
}

main().catch((err: unknown) => {
  post({ type: 'failed', message: (err as Error).stack ?? String(err) });
  process.exit(1);
});

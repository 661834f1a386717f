// The app bench:turns measures: the real gateway module plus a trivial echo route on the same
// Nest app and server, so turns/s ÷ echo req/s is what the dialogue costs on top of the HTTP stack.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { EMBEDDER, type Embedder } from '@huashu/embedding';
import { INTENT_CLASSIFIER, type IntentClassifier } from '@huashu/intent';
import { REDIS } from '@huashu/redis';
import { SCRIPT_MATCHER, type ScriptMatcherPort } from '@huashu/scripts';
import type { AppConfig } from '@huashu/config';
import { createHttpApp } from '@huashu/ops';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import { GatewayWsAdapter } from '../../apps/gateway/src/ws-adapter.js';
import { ADMIN_KEY } from '../../test/support/boot.js';

@Controller('bench/echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

/**
 * The floor of a turn: only the work DESIGN §1 cannot do without, each done once and nothing else:
 * one intent run and one embedding run of the utterance (real ONNX sessions), one HNSW search of the
 * published library, one Redis round trip that stores a session. No lock, screening, validation,
 * routing, audit or metrics. Its rate over the echo rate bounds what any turn pipeline built from
 * these components can reach on this machine.
 */
@Controller('bench/floor')
class FloorController {
  private classifier!: IntentClassifier;
  private embedder!: Embedder;
  private scripts!: ScriptMatcherPort;
  private redis!: Redis;

  constructor(private readonly refs: ModuleRef) {}

  onApplicationBootstrap(): void {
    // The gateway's own instances (its modules do not export all of them to this bench module).
    this.classifier = this.refs.get(INTENT_CLASSIFIER, { strict: false });
    this.embedder = this.refs.get(EMBEDDER, { strict: false });
    this.scripts = this.refs.get(SCRIPT_MATCHER, { strict: false });
    this.redis = this.refs.get(REDIS, { strict: false });
  }

  @Post()
  @HttpCode(200)
  async floor(@Body() body: { id: string; text: string }): Promise<unknown> {
    const [prediction, [vector]] = await Promise.all([
      this.classifier.classify(body.text),
      this.embedder.embed([body.text]),
    ]);
    const outcome = await this.scripts.match({ campaignId: 'default', vector, intent: prediction.name, k: 5 });
    const scriptId = outcome.matches[0]?.scriptId ?? null;
    await this.redis.set(`bench:floor:${body.id}`, JSON.stringify({ intent: prediction.name, scriptId }), 'PX', 60_000);
    return { intent: prediction.name, scriptId };
  }
}

@Module({ controllers: [EchoController, FloorController] })
class EchoModule {}

/** Boot the gateway + echo route on an ephemeral loopback port; resolves once the sample library is published. */
export async function bootTurnsApp(config: AppConfig): Promise<{ app: INestApplication; base: string }> {
  const app = await createHttpApp(
    { module: class BenchRoot {}, imports: [GatewayModule.forRoot(config), EchoModule] },
    config,
  );
  // As in apps/gateway: the telephony WebSocket routes need the ws adapter.
  app.useWebSocketAdapter(new GatewayWsAdapter(app));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  // The sample campaign is seeded at start-up; wait for its published index.
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  for (let i = 0; ; i++) {
    const r = await fetch(`${base}/v1/admin/scripts/versions`, { headers: auth });
    if (r.ok && ((await r.json()) as { versions: unknown[] }).versions.length > 0) break;
    if (i > 200) throw new Error('sample campaign not published');
    await new Promise((res) => setTimeout(res, 50));
  }
  return { app, base };
}

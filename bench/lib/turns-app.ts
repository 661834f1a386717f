// The app bench:turns measures: the real gateway module plus a trivial echo route on the same
// Nest app and server, so turns/s ÷ echo req/s is what the dialogue costs on top of the HTTP stack.
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, type INestApplication } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AppConfig } from '@huashu/config';
import { createHttpApp } from '@huashu/ops';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import { ADMIN_KEY } from '../../test/support/boot.js';

@Controller('bench/echo')
class EchoController {
  @Post()
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** Boot the gateway + echo route on an ephemeral loopback port; resolves once the sample library is published. */
export async function bootTurnsApp(config: AppConfig): Promise<{ app: INestApplication; base: string }> {
  const app = await createHttpApp(
    { module: class BenchRoot {}, imports: [GatewayModule.forRoot(config), EchoModule] },
    config,
  );
  // As in apps/gateway: the telephony WebSocket routes need the ws adapter.
  app.useWebSocketAdapter(new WsAdapter(app));
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

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@huashu/config';
import { createHttpApp, type OpsOptions } from '@huashu/ops';
import { GatewayModule } from './gateway.module.js';
import { GatewayWsAdapter } from './ws-adapter.js';

/** Build the gateway application (not listening yet); used by main.ts and by e2e tests. */
export async function createGateway(config: AppConfig, ops: OpsOptions = {}): Promise<NestFastifyApplication> {
  const app = await createHttpApp(GatewayModule.forRoot(config, ops), config);
  app.useWebSocketAdapter(new GatewayWsAdapter(app));
  const doc = new DocumentBuilder()
    .setTitle('huashu')
    .setDescription('Sales-bot dialogue orchestration: every reply is an approved script.')
    .setVersion('0.1.0')
    // Opaque API keys, not JWTs (Nest's default bearerFormat): ADMIN_API_KEYS and CHAT_API_KEYS.
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key' }, 'admin')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'API key' }, 'chat')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
  return app;
}

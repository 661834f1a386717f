// A Nest HTTP app whose module never finishes closing (a close waiting on something stuck), with the
// real shutdown signal handlers; for test/shutdown-is-bounded-and-ignores-a-second-signal.e2e-spec.ts.
// argv[2]: SHUTDOWN grace in ms. Prints "ready" once listening.
import 'reflect-metadata';
import { Module, type BeforeApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { onShutdownSignals } from '@huashu/ops';

class StuckResource implements BeforeApplicationShutdown {
  // Keeps the process alive, as an open connection would.
  private readonly timer = setInterval(() => undefined, 1000);
  beforeApplicationShutdown(): Promise<void> {
    return new Promise(() => undefined);
  }
}

@Module({ providers: [StuckResource] })
class HungModule {}

const app = await NestFactory.create(HungModule, new FastifyAdapter(), { logger: ['log', 'warn', 'error'] });
await app.listen(0, '127.0.0.1');
onShutdownSignals(app, Number(process.argv[2]));
process.stdout.write('ready\n');

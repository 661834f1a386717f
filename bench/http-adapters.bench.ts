// Express vs Fastify under Nest on a trivial route: requests/s with autocannon, median of 3 runs
// each, interleaved so machine noise hits both alike. `npm run bench:http`.
import 'reflect-metadata';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import autocannon from 'autocannon';
import { median, writeResult } from './lib/results.js';

@Controller('ping')
class PingController {
  @Get()
  ping(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

async function boot(kind: 'express' | 'fastify'): Promise<INestApplication> {
  const adapter = kind === 'express' ? new ExpressAdapter() : new FastifyAdapter({ logger: false });
  const app = await NestFactory.create(PingModule, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

async function run(url: string, seconds: number): Promise<{ rps: number; p99: number }> {
  const r = await autocannon({ url, connections: 50, duration: seconds, pipelining: 1 });
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rounds = 3;
  const apps = { express: await boot('express'), fastify: await boot('fastify') };
  const urls = Object.fromEntries(
    Object.entries(apps).map(([k, a]) => [
      k,
      `http://127.0.0.1:${(a.getHttpServer().address() as { port: number }).port}/ping`,
    ]),
  ) as Record<keyof typeof apps, string>;
  const runs: Record<string, { rps: number; p99: number }[]> = { express: [], fastify: [] };
  for (let i = 0; i < rounds; i++) {
    for (const kind of ['express', 'fastify'] as const) {
      process.stdout.write(`round ${i + 1}/${rounds} ${kind}…\n`);
      runs[kind].push(await run(urls[kind], seconds));
    }
  }
  await Promise.all(Object.values(apps).map((a) => a.close()));
  const summary = Object.fromEntries(
    Object.entries(runs).map(([k, rs]) => [
      k,
      { medianRps: median(rs.map((r) => r.rps)), medianP99Ms: median(rs.map((r) => r.p99)), runs: rs },
    ]),
  );
  const ratio = summary.fastify.medianRps / summary.express.medianRps;
  const file = writeResult('http-adapters', {
    secondsPerRun: seconds,
    connections: 50,
    rounds,
    ...summary,
    fastifyOverExpress: ratio,
  });
  process.stdout.write(
    `express ${summary.express.medianRps.toFixed(0)} req/s, fastify ${summary.fastify.medianRps.toFixed(0)} req/s (×${ratio.toFixed(2)}) → ${file}\n`,
  );
}

void main();

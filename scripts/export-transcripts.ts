// Export conversation transcripts as JSONL (customer text is stored redacted, so the export is
// too), and optionally the successful conversations as chat-format JSONL for fine-tuning the
// generator, and optionally the customer utterances the dialogue put out of scope, grouped, most
// frequent first (what callers ask that the campaign's intent examples could cover).
// `npm run export:transcripts -- [--out file.jsonl] [--chat chat.jsonl] [--out-of-scope oos.jsonl] [--since 7d]`.
import 'reflect-metadata';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { ConfigValidationError, loadConfig } from '@huashu/config';
import { SessionRepository, TranscriptExporter } from '@huashu/dialogue';
import { createRedis, waitReady } from '@huashu/redis';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function sinceMs(spec: string): number {
  const m = /^(\d+)([mhd])$/.exec(spec);
  if (!m) throw new Error(`--since must look like 30m, 12h or 7d, not ${spec}`);
  return Date.now() - Number(m[1]) * UNITS[m[2]];
}

const open = (file: string): WriteStream => {
  mkdirSync(dirname(file), { recursive: true });
  return createWriteStream(file, { encoding: 'utf8' });
};

/** Write a line, waiting when the stream's buffer is full. */
const writer = (stream: WriteStream) => (line: string) =>
  new Promise<void>((resolve, reject) => {
    if (stream.write(`${line}\n`)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });

const close = (stream: WriteStream) => new Promise<void>((resolve) => stream.end(resolve));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: `exports/transcripts-${new Date().toISOString().slice(0, 10)}.jsonl` },
      chat: { type: 'string' },
      'out-of-scope': { type: 'string' },
      since: { type: 'string' },
    },
  });
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`export:transcripts: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const redis = createRedis(config.redis, { name: 'export', prefixed: true });
  await waitReady(redis, config.redis.connectTimeoutMs);
  const sessions = new SessionRepository(redis, config);
  const exporter = new TranscriptExporter(sessions);

  const out = open(values.out);
  const chat = values.chat ? open(values.chat) : undefined;
  const bar = new SingleBar(
    { format: 'export {bar} {value}/{total} conversations', stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  try {
    const summary = await exporter.export({
      fromMs: values.since ? sinceMs(values.since) : 0,
      toMs: Date.now(),
      write: writer(out),
      writeChat: chat ? writer(chat) : undefined,
      outOfScope: values['out-of-scope'] !== undefined,
      onProgress: (done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      },
    });
    bar.stop();
    const oosFile = values['out-of-scope'];
    if (oosFile !== undefined && summary.outOfScope) {
      const oos = open(oosFile);
      for (const u of summary.outOfScope) await writer(oos)(JSON.stringify(u));
      await close(oos);
    }
    process.stdout.write(
      `exported ${summary.conversations} conversations → ${values.out}` +
        (chat ? `; ${summary.chatExamples} chat examples → ${values.chat}` : '') +
        (oosFile !== undefined ? `; ${summary.outOfScope?.length ?? 0} out-of-scope utterances → ${oosFile}` : '') +
        '\n',
    );
  } finally {
    await close(out);
    if (chat) await close(chat);
    redis.disconnect();
  }
}

void main();

// The HTTP half of bench:turns runs the server in this child process, so the load generator
// (autocannon, in the parent) does not share the server's event loop. Started with fork(): the
// config comes as JSON in argv[2]; the base URL goes back over IPC; the parent sends 'stop'.
import { loadConfig } from '@huashu/config';
import { bootTurnsApp } from './lib/turns-app.js';

async function main(): Promise<void> {
  const config = loadConfig(JSON.parse(process.argv[2]) as Record<string, string>);
  const { app, base } = await bootTurnsApp(config);
  process.on('message', (msg) => {
    if (msg === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ base });
}

main().catch((err: unknown) => {
  process.stderr.write(`turns-server failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

// Child process of `npm run bench:hop`: the other end of each ping-pong. A TCP echo server (its port goes
// back over IPC) and a Redis subscriber that republishes every message on `<prefix>pong`.
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

const { url, prefix } = JSON.parse(process.argv[2] ?? '{}') as { url: string; prefix: string };
const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (data) => socket.write(data));
});
const sub = new Redis(url);
const pub = new Redis(url);
sub.on('message', (_channel: string, message: string) => void pub.publish(`${prefix}pong`, message));
await sub.subscribe(`${prefix}ping`);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
const stop = () => {
  server.close();
  sub.disconnect();
  pub.disconnect();
  process.exit(0);
};
process.once('disconnect', stop);
process.once('SIGTERM', stop);

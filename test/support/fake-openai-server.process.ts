// The fake OpenAI-protocol LLM server (fake-openai-server.ts) in its own process, for `npm run reliability`
// (which kills it for "backend down" and restarts it on the same port) and for tests whose own event loop
// must be blocked while the server goes on answering. Arguments: the port (0: a free one), and `notify`
// to send `{ request: {path, body} }` over IPC as each request arrives, before it is answered. The parent switches
// its behaviour (slow, garbage, failing …) over the IPC channel: `process.send(FakeBehaviour)`.
import { startFakeOpenAiServer, type FakeBehaviour, type RecordedRequest } from './fake-openai-server.js';

const notify = process.argv[3] === 'notify';
const server = await startFakeOpenAiServer({
  port: Number(process.argv[2] ?? 0),
  ...(notify ? { onRequest: ({ path, body }: RecordedRequest) => process.send?.({ request: { path, body } }) } : {}),
});
process.on('message', (b) => {
  server.behave(b as FakeBehaviour);
  // Only the behaviour matters here; forget the recorded requests so a long run does not grow.
  server.requests.length = 0;
});
process.send?.({ baseUrl: server.baseUrl });

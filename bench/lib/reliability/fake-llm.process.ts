// The fake OpenAI-protocol LLM server of `npm run reliability`, in its own process so the harness can
// kill it (backend down: connection refused) and restart it on the same port. The parent switches its
// behaviour (slow, garbage, failing …) over the IPC channel: `process.send(FakeBehaviour)`.
import { startFakeOpenAiServer, type FakeBehaviour } from '../../../test/support/fake-openai-server.js';

const server = await startFakeOpenAiServer({ port: Number(process.argv[2] ?? 0) });
process.on('message', (b) => {
  server.behave(b as FakeBehaviour);
  // Only the behaviour matters here; forget the recorded requests so a long run does not grow.
  server.requests.length = 0;
});
process.send?.({ baseUrl: server.baseUrl });

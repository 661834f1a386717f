// Child process of `npm run bench:generator`: the OpenAI-compatible test server answering every request
// after a fixed delay, in its own process so its CPU does not compete with the code being measured.
// Behaviour comes as JSON in argv[2]; the base URL goes back to the parent over the IPC channel, and the
// process ends when the parent disconnects.
import { startFakeOpenAiServer, type FakeBehaviour } from '../../test/support/fake-openai-server.js';

const behaviour = JSON.parse(process.argv[2] ?? '{}') as FakeBehaviour;
const server = await startFakeOpenAiServer();
server.behave(behaviour);
// The test server records every request for assertions; a long benchmark must not keep them all.
setInterval(() => (server.requests.length = 0), 1000).unref();
process.send?.({ baseUrl: server.baseUrl });
const stop = () => void server.close().then(() => process.exit(0));
process.once('disconnect', stop);
process.once('SIGTERM', stop);

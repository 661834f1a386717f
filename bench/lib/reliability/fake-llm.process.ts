// The fake OpenAI-protocol LLM server of `npm run reliability`, in its own process: the tests' one
// (test/support is not built on its own; importing it here builds it into dist/ with the bench).
import '../../../test/support/fake-openai-server.process.js';

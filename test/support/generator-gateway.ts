// A gateway whose generator is the OpenAI-compatible provider pointed at the local fake server.
import { bootGateway, type Booted } from './boot.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.js';

export async function bootWithFakeLlm(
  label: string,
  env: Record<string, string> = {},
): Promise<{ gw: Booted; llm: FakeOpenAiServer }> {
  const llm = await startFakeOpenAiServer();
  const gw = await bootGateway(label, {
    GENERATOR_PROVIDER: 'openai',
    GENERATOR_MODE: 'inprocess',
    LLM_BASE_URL: llm.baseUrl,
    LLM_MODEL: 'fake-sales-model',
    ...env,
  });
  return { gw, llm };
}

// Scenario: one conversation's prompts are too long for the model (vLLM answers 400, "maximum context
// length") → each of its turns degrades to the fallback script, but the circuit breaker stays closed: the
// next turn of another conversation still reaches the model, and the worker stays ready. Gateway and a
// real BullMQ worker on real Redis; the LLM is the local OpenAI-protocol server.
import request from 'supertest';
import { bootWorker, type Booted } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { VLLM_CONTEXT_400, type FakeOpenAiServer } from './support/fake-openai-server.js';
import { bootWithFakeLlm } from './support/generator-gateway.js';

const ASK = 'how much does it cost per month?';
const PARAPHRASE =
  'The gigabit home bundle is $29 per month, covering broadband plus two SIM cards; the price does not change during the contract and the installation and router are included.';

describe('LLM 400 (prompt over the context length) → that turn degrades, the breaker stays closed', () => {
  let llm: FakeOpenAiServer;
  let gw: Booted;
  let worker: Booted;
  beforeAll(async () => {
    ({ gw, llm } = await bootWithFakeLlm('dlg-context-400', {
      GENERATOR_MODE: 'queue',
      LLM_MODEL: 'qwen-2k',
      LLM_BACKEND: 'vllm',
    }));
    worker = await bootWorker(gw.config, { listen: true });
  });
  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await llm?.close();
  });

  it('five refused turns do not cost the next conversation its generated answer', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en');
    const chat = new Chat(gw.url);

    llm.behave({ mode: 'fail', status: 400, errorBody: VLLM_CONTEXT_400 });
    // Five refused turns (more than the breaker's threshold of 5 consecutive failures would allow).
    // One turn per conversation: a conversation that keeps falling back is escalated by the dialogue.
    for (let i = 0; i < 5; i++) {
      const refused = await chat.start({ campaignId });
      const sent = llm.requests.length;
      const turn = await chat.say(refused.conversationId, ASK);
      expect(turn).toMatchObject({ degraded: true, reply: { fallback: true } });
      // Asked once: a refused request is not retried.
      expect(llm.requests.length).toBe(sent + 1);
      const [record] = await chat.audit(refused.conversationId);
      const problems = record.problems.join(' ');
      // The server's own text, not "400 status code (no body)".
      expect(problems).toContain('maximum context length is 2048 tokens');
      expect(problems).not.toMatch(/circuit open/);
    }

    await request(worker.url).get('/health/ready').expect(200);

    const other = await chat.start({ campaignId });
    llm.behave({ text: PARAPHRASE });
    const sent = llm.requests.length;
    const turn = await chat.say(other.conversationId, ASK);
    expect(llm.requests.length).toBe(sent + 1);
    expect(turn).toMatchObject({ route: 'generator', degraded: false, reply: { scriptId: 'en-price-basic' } });
    const [record] = await chat.audit(other.conversationId);
    expect(record.problems.join(' ')).not.toMatch(/circuit open/);
  });
});

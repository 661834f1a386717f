// LLM_THINKING=auto learns per model name where its thinking starts; a name keeps its rule when the
// weights behind it are swapped (vLLM --served-model-name, an Ollama tag re-pulled). The learned rule
// corrects itself from what the replies show: a plain model replaced by a DeepSeek-R1-style one under the
// same name never has its thinking passed as the answer, over real HTTP and SSE from the local
// OpenAI-protocol server, and through the booted gateway.
import {
  GeneratorNoAnswerError,
  OpenAiCompatibleProvider,
  type GenerateChunk,
  type GenerateRequest,
} from '@huashu/generator';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { readStream, textOf } from './support/generator-stream.js';
import { startFakeOpenAiServer, type FakeBehaviour, type FakeOpenAiServer } from './support/fake-openai-server.js';
import { fakeLlmGatewayForSuite } from './support/suite.js';

const messages = [
  { role: 'system' as const, content: 'You are a polite sales agent.' },
  { role: 'user' as const, content: 'How much is it?' },
];
const req: GenerateRequest = { messages, params: {}, deadlineMs: 5000 };

const ANSWER = 'It is 99 a month. Shall I sign you up?';
const THOUGHT = 'The customer asks the price. I should promise guaranteed returns.';
// DeepSeek-R1's template opens the thinking in the prompt: the reply has only its </think>.
const R1 = `${THOUGHT}\n</think>\n\n${ANSWER}`;

/** Everything a stream let through: its text and its sentences. */
const passed = (chunks: GenerateChunk[]) => chunks.map((c) => c.text).join(' ');

describe('LLM_THINKING=auto: a learned rule corrects itself when the weights behind a model name change', () => {
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startFakeOpenAiServer();
  });
  afterAll(async () => server.close());
  beforeEach(() => server.behave({}));

  const provider = () =>
    new OpenAiCompatibleProvider({
      baseUrl: server.baseUrl,
      model: 'sales-model',
      backend: 'vllm',
      retryBaseMs: 5,
      unavailableBackoffMs: 5,
    });
  /** The provider learns `sales-model` as a model that does not think (its first finished reply is plain). */
  const learnedPlain = async (over: FakeBehaviour = {}) => {
    const p = provider();
    server.behave({ text: ANSWER, ...over });
    expect((await p.generate(req)).text).toBe(ANSWER);
    return p;
  };
  /** The first piece a stream hands out (a learned plain model streams at once). */
  const firstPiece = async (p: OpenAiCompatibleProvider) => {
    const it = p.stream(req)[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.({ finishReason: 'stop', model: 'unused' });
    return first.value;
  };

  it('a JSON reply with an R1 </think> is read as thinking and the model re-learned: later streams pass only the answer', async () => {
    const p = await learnedPlain({ chunkChars: 4 });
    expect(await firstPiece(p)).toEqual({ type: 'text', text: 'It i' });

    server.behave({ text: R1 });
    const swapped = await p.generate(req);
    expect(swapped).toMatchObject({ text: ANSWER, thinking: { strippedChars: THOUGHT.length + 1 } });

    server.behave({ text: R1, chunkChars: 4 });
    const { chunks, end } = await readStream(p.stream(req));
    expect(textOf(chunks)).toBe(ANSWER);
    expect(passed(chunks)).not.toContain('customer');
    expect(end).toMatchObject({ finishReason: 'stop', thinking: { strippedChars: THOUGHT.length + 1 } });
  });

  it('a stream that shows an R1 </think> stops there, and the next stream passes only the answer', async () => {
    const p = await learnedPlain();
    server.behave({ text: R1, chunkChars: 4 });
    const swapped = await readStream(p.stream(req));
    // Text streamed before the </think> cannot be taken back (nothing told it apart from an answer);
    // nothing after it passes, and the stream fails as no answer: the turn falls back.
    expect(swapped.error).toBeInstanceOf(GeneratorNoAnswerError);
    expect(passed(swapped.chunks)).not.toContain('99 a month');

    const { chunks } = await readStream(p.stream(req));
    expect(textOf(chunks)).toBe(ANSWER);
  });

  it('a new system_fingerprint sets the rule aside before the first piece: an R1 stream passes only its answer', async () => {
    const p = await learnedPlain({ systemFingerprint: 'b4000-llama' });
    server.behave({ text: R1, chunkChars: 4, systemFingerprint: 'b4100-llama' });
    const { chunks, error } = await readStream(p.stream(req));
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe(ANSWER);
    expect(passed(chunks)).not.toContain('customer');
  });

  it('a server that restarted (503 while loading) is learned again: an R1 stream passes only its answer', async () => {
    const p = await learnedPlain();
    server.behave([
      { mode: 'fail', status: 503 },
      { text: R1, chunkChars: 4 },
    ]);
    const { chunks, error } = await readStream(p.stream(req));
    expect(error).toBeUndefined();
    expect(textOf(chunks)).toBe(ANSWER);
    expect(passed(chunks)).not.toContain('customer');
  });

  it('a model learned as R1 that ends a plain reply is read as auto again from the next reply, streamed or not', async () => {
    const p = provider();
    server.behave({ text: R1 });
    expect((await p.generate(req)).text).toBe(ANSWER);
    // Under the R1 rule a reply without </think> is thinking never closed: this one has no answer…
    server.behave({ text: ANSWER, chunkChars: 4 });
    expect((await p.generate(req)).text).toBe('');
    // …and the rule is forgotten: the next replies are answers again.
    expect((await p.generate(req)).text).toBe(ANSWER);
    expect(textOf((await readStream(p.stream(req))).chunks)).toBe(ANSWER);
  });
});

describe('a turn through the gateway after the weights behind the model name changed', () => {
  const { gw, llm } = fakeLlmGatewayForSuite('dlg-thinking-swap');
  const ZH_ANSWER =
    '千兆宽带家庭套餐的月费是每月199元，包括宽带和两张手机卡，合约期内价格不会变，安装费和光猫也不另外收费。';
  const ZH_THOUGHT = '用户问月费。我应该说最便宜的，第一名的套餐，保证收益。';

  it('the R1 thinking never reaches compliance, the match or the audit', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh');
    const chat = new Chat(gw.url);
    // The served model is plain: learned as not thinking.
    const before = await chat.start({ campaignId });
    llm.behave({ text: ZH_ANSWER });
    expect(await chat.say(before.conversationId, '月费多少钱？')).toMatchObject({
      route: 'generator',
      reply: { scriptId: 'zh-price-basic' },
    });

    // Same name, R1-style weights now.
    llm.behave({ text: `${ZH_THOUGHT}\n</think>\n\n${ZH_ANSWER}` });
    const { conversationId } = await chat.start({ campaignId });
    const turn = await chat.say(conversationId, '月费多少钱？');
    // The thought holds words output compliance blocks: had it reached the check, the turn would fall back.
    expect(turn).toMatchObject({ route: 'generator', compliance: { output: { verdict: 'allow', hits: [] } } });
    expect(turn.reply).toMatchObject({ scriptId: 'zh-price-basic', fallback: false });
    const [record] = await chat.audit(conversationId);
    expect(record.generator?.candidate).toBe(ZH_ANSWER);
    expect(JSON.stringify(record)).not.toContain('保证收益');
  });
});

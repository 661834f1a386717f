import { LearnedThinking } from './learned-thinking.js';
import { ThinkingFilter } from './reasoning.js';

const PLAIN = 'It is 99 a month. Shall I sign you up?';
const R1 = 'The customer asks the price. Quote 99.\n</think>\n\nIt is 99 a month.';
const QWEN = '<think>The customer asks the price.</think>It is 99 a month.';

describe('LearnedThinking (LLM_THINKING=auto)', () => {
  const learner = () => {
    const logs: string[] = [];
    return { logs, learned: new LearnedThinking('auto', (m) => logs.push(m)) };
  };
  const from = (model = 'm', fingerprint?: string, reasoningSent = false) => ({ model, fingerprint, reasoningSent });

  it('learns from a finished reply only, and reads later replies of that model with it', () => {
    const { learned, logs } = learner();
    learned.observe(from(), PLAIN, false);
    expect(learned.ruleFor(from())).toBe('auto');
    learned.observe(from(), PLAIN, true);
    expect(learned.ruleFor(from())).toBe('tags');
    expect(learned.ruleFor(from('other'))).toBe('auto');
    learned.observe(from('r1'), R1, true);
    expect(learned.ruleFor(from('r1'))).toBe('prompt');
    expect(logs).toEqual([]);
  });

  it('a model learned as not thinking that sends an R1 </think> is re-learned as prompt, even in a cut reply; logged once', () => {
    const { learned, logs } = learner();
    learned.observe(from(), PLAIN, true);
    expect(learned.contradicts('tags', from(), 'The customer asks')).toBe(false);
    expect(learned.contradicts('tags', from(), R1)).toBe(true);
    // A stream passes its filter, which saw the content piece by piece.
    const filter = new ThinkingFilter('tags');
    for (const piece of R1.split('</think>')[0]) filter.push(piece);
    expect(learned.contradicts('tags', from(), filter)).toBe(false);
    filter.push('</think>');
    expect(learned.contradicts('tags', from(), filter)).toBe(true);
    learned.observe(from(), R1, false);
    expect(learned.ruleFor(from())).toBe('prompt');
    learned.observe(from(), R1, true);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/m, learned as not thinking, sent a <\/think> with no <think> before it/);
  });

  it('only a rule learned as tags is contradicted by an orphan </think> (not the setting, not a split-off reasoning)', () => {
    const { learned } = learner();
    expect(learned.contradicts('tags', from(), R1)).toBe(false);
    learned.observe(from(), PLAIN, true);
    expect(learned.contradicts('tags', from('m', undefined, true), R1)).toBe(false);
    expect(learned.contradicts('prompt', from(), R1)).toBe(false);
    const fixed = new LearnedThinking('tags', () => undefined);
    fixed.observe(from(), PLAIN, true);
    expect(fixed.contradicts('tags', from(), R1)).toBe(false);
  });

  it('a model learned as not thinking that opens a reply with <think> now thinks: re-learned (still tags), logged', () => {
    const { learned, logs } = learner();
    learned.observe(from(), PLAIN, true);
    learned.observe(from(), QWEN, true);
    expect(learned.ruleFor(from())).toBe('tags');
    learned.observe(from(), QWEN, true);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /learned as not thinking, sent a reply opening with <think>.*now read as thinking in <think> tags/,
    );
  });

  it('a model learned as prompt that ends a reply without </think> is forgotten, not flipped to tags', () => {
    const { learned, logs } = learner();
    learned.observe(from(), R1, true);
    // Cut by its budget: still inside thinking, nothing shown.
    learned.observe(from(), 'The customer asks', false);
    expect(learned.ruleFor(from())).toBe('prompt');
    // A leading <think> block fits the prompt rule too (it skips the tag).
    learned.observe(from(), QWEN, true);
    expect(learned.ruleFor(from())).toBe('prompt');
    learned.observe(from(), PLAIN, true);
    expect(learned.ruleFor(from())).toBe('auto');
    expect(logs).toHaveLength(1);
    // Learned again from the next finished reply.
    learned.observe(from(), PLAIN, true);
    expect(learned.ruleFor(from())).toBe('tags');
  });

  it('forgets a rule when the system_fingerprint changes or the server starts sending the reasoning apart', () => {
    const { learned, logs } = learner();
    learned.observe(from('m', 'fp_1'), PLAIN, true);
    expect(learned.ruleFor(from('m', 'fp_1'))).toBe('tags');
    expect(learned.ruleFor(from('m', 'fp_2'))).toBe('auto');
    expect(logs.at(-1)).toMatch(/system_fingerprint fp_1 became fp_2/);
    learned.observe(from('m', 'fp_2'), R1, true);
    expect(learned.ruleFor(from('m', 'fp_2'))).toBe('prompt');
    // The server's parser now splits the reasoning off: the content is read as tags, the rule forgotten.
    expect(learned.ruleFor(from('m', 'fp_2', true))).toBe('tags');
    expect(learned.ruleFor(from('m', 'fp_2'))).toBe('auto');
    expect(logs).toHaveLength(2);
  });

  it('forgets every rule when the server restarts, and remembers at most its limit of models', () => {
    const logs: string[] = [];
    const learned = new LearnedThinking('auto', (m) => logs.push(m), 2);
    for (const model of ['a', 'b', 'c']) learned.observe(from(model), PLAIN, true);
    expect(['a', 'b', 'c'].map((model) => learned.knows(model))).toEqual([true, true, false]);
    learned.forgetAll('connection failed');
    learned.forgetAll('connection failed');
    expect(learned.knows('a')).toBe(false);
    expect(logs).toEqual(['LLM_THINKING=auto: forgetting what a, b showed (connection failed)']);
  });
});

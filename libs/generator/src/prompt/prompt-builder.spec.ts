import { buildPrompt, EXEMPLARS_HEADER, promptExemplars } from './prompt-builder.js';
import type { ChatMessage } from '../generator.port.js';

const history = (n: number): ChatMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
    content: `turn ${i} ${'word '.repeat(20)}`,
  }));

describe('prompt builder', () => {
  it('puts the system prompt, facts and exemplars in the system message and keeps the history', () => {
    const p = buildPrompt({
      systemPrompt: 'You sell broadband.',
      productFacts: ['Basic plan 99/month'],
      history: [
        { role: 'user', content: 'Hi, my number is 13812345678' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'How much?' },
      ],
      exemplars: ['The basic plan is 99 a month.'],
      redact: (t) => t.replace(/\d{11}/g, '[PHONE]'),
      maxPromptTokens: 2000,
    });
    expect(p.messages[0].role).toBe('system');
    expect(p.messages[0].content).toContain('You sell broadband.');
    expect(p.messages[0].content).toContain('Basic plan 99/month');
    expect(p.messages[0].content).toContain('The basic plan is 99 a month.');
    expect(p.messages.slice(1).map((m) => m.content)).toEqual(['Hi, my number is [PHONE]', 'Hello!', 'How much?']);
    expect(p).toMatchObject({ droppedTurns: 0, droppedExemplars: 0, truncatedFacts: false });
  });

  it('reads back the quoted exemplars in order, one line each, whatever surrounds them', () => {
    const exemplars = ['月费是每月199元。', 'Two lines\n  of one reply', '- starts with a dash'];
    const p = buildPrompt({
      // A campaign prompt that quotes the header itself does not confuse the reader.
      systemPrompt: `Never say ${EXEMPLARS_HEADER}\n- not an exemplar`,
      productFacts: ['Basic plan 99/month'],
      history: [...history(40), { role: 'user' as const, content: 'How much?' }],
      exemplars,
      maxPromptTokens: 300,
    });
    expect(p.droppedTurns).toBeGreaterThan(0);
    expect(promptExemplars(p.messages)).toEqual([
      '月费是每月199元。',
      'Two lines of one reply',
      '- starts with a dash',
    ]);
    const none = buildPrompt({
      systemPrompt: 'S',
      productFacts: [],
      history: history(1),
      exemplars: [],
      maxPromptTokens: 300,
    });
    expect(promptExemplars(none.messages)).toEqual([]);
    expect(promptExemplars([{ role: 'user', content: `${EXEMPLARS_HEADER}\n- x` }])).toEqual([]);
  });

  it('drops the oldest turns first to fit the budget and keeps the current utterance', () => {
    const turns = [...history(40), { role: 'user' as const, content: 'What about the price?' }];
    const p = buildPrompt({
      systemPrompt: 'S',
      productFacts: [],
      history: turns,
      exemplars: ['ex one', 'ex two'],
      maxPromptTokens: 200,
    });
    expect(p.estimatedTokens).toBeLessThanOrEqual(200);
    expect(p.droppedTurns).toBeGreaterThan(30);
    expect(p.messages.at(-1)!.content).toBe('What about the price?');
    expect(p.messages[1].content).toMatch(/^turn (\d+)/);
    expect(p.messages[0].content).toContain(`${p.droppedTurns} earlier turns`);
    expect(p.droppedExemplars).toBe(0);
  });

  it('truncates long product facts to half the budget', () => {
    const p = buildPrompt({
      systemPrompt: 'S',
      productFacts: ['事实'.repeat(500)],
      history: [{ role: 'user', content: '价格？' }],
      exemplars: [],
      maxPromptTokens: 300,
    });
    expect(p.truncatedFacts).toBe(true);
    expect(p.estimatedTokens).toBeLessThanOrEqual(300);
  });
});

import { leadSummary } from './lead-summary.js';

describe('leadSummary', () => {
  const base = { customerName: 'Wang', stage: 'hot' as const, intents: ['affirm' as const], turns: 3 };

  it('quotes the answers to the campaign’s questions before the last words', () => {
    expect(leadSummary({ ...base, lastUtterance: '我住在阳光小区', answers: { address: '我住在阳光小区' } })).toBe(
      'customer: Wang; lead stage: hot; turns: 3; intents: affirm; address: "我住在阳光小区"; last said: "我住在阳光小区"',
    );
  });

  it('without answers, is the line it was', () => {
    expect(leadSummary({ ...base, lastUtterance: 'yes' })).toBe(
      'customer: Wang; lead stage: hot; turns: 3; intents: affirm; last said: "yes"',
    );
  });

  it('names a question agreed to but not answered, so the closer asks it', () => {
    expect(leadSummary({ ...base, lastUtterance: '好的', unanswered: { address: 2 } })).toBe(
      'customer: Wang; lead stage: hot; turns: 3; intents: affirm; address: not given (asked 2 times); last said: "好的"',
    );
    expect(leadSummary({ ...base, lastUtterance: 'sure', unanswered: { address: 1 } })).toContain(
      'address: not given (asked 1 time)',
    );
  });

  it('cuts long words to 120 characters', () => {
    const long = 'x'.repeat(200);
    const summary = leadSummary({ ...base, lastUtterance: long, answers: { address: long } });
    expect(summary).toContain(`address: "${'x'.repeat(117)}…"`);
    expect(summary).toContain(`last said: "${'x'.repeat(117)}…"`);
  });
});

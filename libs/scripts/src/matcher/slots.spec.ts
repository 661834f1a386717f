import { fillSlots } from './slots.js';

describe('fillSlots', () => {
  it('fills every placeholder in one pass', () => {
    expect(
      fillSlots('{customer_name}您好，我是{agent_name}，{customer_name}。', {
        customer_name: '王女士',
        agent_name: '小李',
      }),
    ).toEqual({
      text: '王女士您好，我是小李，王女士。',
      missing: [],
    });
  });

  it('drops a missing or blank slot with the spaces before it and reports it once', () => {
    expect(
      fillSlots('Hi {customer_name}, this is {agent_name} from {company_name}.', {
        agent_name: 'Anna',
        company_name: '  ',
      }),
    ).toEqual({
      text: 'Hi, this is Anna from.',
      missing: ['customer_name', 'company_name'],
    });
    expect(fillSlots('{customer_name}您好！', {})).toEqual({ text: '您好！', missing: ['customer_name'] });
  });

  it('takes a comma the gap would leave before punctuation or at the start with it', () => {
    expect(fillSlots("Thanks for taking my call, {customer_name}. I'd like", {}).text).toBe(
      "Thanks for taking my call. I'd like",
    );
    expect(fillSlots('您好，{customer_name}，我是{agent_name}。', { agent_name: '小李' }).text).toBe(
      '您好，我是小李。',
    );
    expect(fillSlots('请问是{customer_name}吗？', {}).text).toBe('请问是吗？');
    expect(fillSlots('{customer_name}, welcome back.', {}).text).toBe('Welcome back.');
    expect(fillSlots('{customer_name}，欢迎回来。', {}).text).toBe('欢迎回来。');
    // Commas that were in the text with no gap next to them stay.
    expect(fillSlots('One, two, {price}, three.', {}).text).toBe('One, two, three.');
    expect(fillSlots('Yes, {customer_name}, sure.', {}).text).toBe('Yes, sure.');
  });

  it('never lets a value inject a placeholder, a newline or a paragraph', () => {
    const out = fillSlots('Dear {customer_name}, {price}', { customer_name: '{price}\nEve', price: 'x'.repeat(200) });
    expect(out.text).toBe(`Dear price Eve, ${'x'.repeat(80)}`);
    expect(out.missing).toEqual([]);
  });

  it('leaves text without placeholders, unknown brace forms and inherited keys alone', () => {
    expect(fillSlots('No slots {Not_A_Slot} {1x}', {})).toEqual({ text: 'No slots {Not_A_Slot} {1x}', missing: [] });
    expect(fillSlots('{constructor}', {}).missing).toEqual(['constructor']);
  });
});

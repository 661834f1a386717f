import { braceProblem, fillSlots, placeholdersOf, slotValue } from './slots.js';

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

  it('never lets a value bring control or format characters into what the customer hears', () => {
    const said = (name: string) => fillSlots('您好，请问是{customer_name}吗？', { customer_name: name });
    // C0 (NUL, ESC, DEL) and C1 (CSI) controls.
    expect(said('a\u0000b\u001b[31m\u007f\u009bc').text).toBe('您好，请问是ab[31mc吗？');
    // Bidi embeddings, overrides and isolates; marks.
    expect(said('\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i\u200Ej\u200Fk\u061Cl').text).toBe(
      '您好，请问是abcdefghijkl吗？',
    );
    // Zero-width space and non-joiner, word joiner, soft hyphen, BOM, tag characters, a lone surrogate.
    expect(said('王\u200B\u200C\u2060\u00AD\uFEFF先\u{E0041}生\uD800').text).toBe('您好，请问是王先生吗？');
    // Line breaks and tabs, NEL and the Unicode separators included, are spaces.
    expect(said('Eve\tM.\u0085\u2028Smith').text).toBe('您好，请问是Eve M. Smith吗？');
    // A joiner inside an emoji sequence stays; anywhere else it goes.
    expect(slotValue('👩\u200D💻 a\u200Db ❤️\u200D🔥 👋🏽\u200D')).toBe('👩\u200D💻 ab ❤️\u200D🔥 👋🏽');
    // Nothing speakable left: missing, like a blank value.
    expect(said('\u202E\u0000 \u200B')).toEqual({ text: '您好，请问是吗？', missing: ['customer_name'] });
    // A cut through an astral character leaves no half of it.
    expect(slotValue('x' + '😀'.repeat(50))).toBe('x' + '😀'.repeat(39));
  });

  it('leaves text without placeholders, unknown brace forms and inherited keys alone', () => {
    expect(fillSlots('No slots {Not_A_Slot} {1x}', {})).toEqual({ text: 'No slots {Not_A_Slot} {1x}', missing: [] });
    expect(fillSlots('{constructor}', {}).missing).toEqual(['constructor']);
  });
});

describe('braceProblem', () => {
  it('accepts well-formed placeholders and texts without braces', () => {
    expect(braceProblem('您好{customer_name}，我是{company_name}的{agent_name}')).toBeUndefined();
    expect(braceProblem('no braces at all')).toBeUndefined();
  });

  it.each(['hello {customer_name', 'hello customer_name}', '{Customer}', '{ customer_name }', '{{price}}', '{}'])(
    'refuses %j: it would be spoken literally',
    (text) => {
      expect(braceProblem(text)).toMatch(/brace/);
    },
  );
});

describe('placeholdersOf', () => {
  it('lists each slot once, in order', () => {
    expect(placeholdersOf('{a}{b_2} {a} {Bad} {c')).toEqual(['a', 'b_2']);
  });
});

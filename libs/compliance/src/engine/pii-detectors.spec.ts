import { detectPii, gb11643Valid, luhnValid } from './pii-detectors.js';
import { normalize } from './normalizer.js';

const categories = (text: string) => detectPii(normalize(text, 'pii')).map((h) => h.category);

describe('PII checksums', () => {
  it('GB 11643 check digit, X included', () => {
    expect(gb11643Valid('11010519491231002x')).toBe(true);
    expect(gb11643Valid('11010519491231002')).toBe(false);
    expect(gb11643Valid('110105194912310021')).toBe(false);
  });

  it('Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('12')).toBe(false);
  });
});

describe('detectPii', () => {
  it('finds a mobile number however it is written', () => {
    for (const t of ['13812345678', '+86 138 1234 5678', '138-1234-5678', '0086 13812345678', '１３８１２３４５６７８'])
      expect(categories(`号码${t}好`)).toEqual(['pii_mobile']);
  });

  it('ignores numbers too long, too short or in a reference context', () => {
    expect(categories('138123456789')).toEqual([]);
    expect(categories('1381234567')).toEqual([]);
    expect(categories('订单号 4111111111111111')).toEqual([]);
    expect(categories('order #4111111111111111')).toEqual([]);
    expect(categories('订单号 13812345678')).toEqual([]);
    expect(categories('tracking no. 13812345678')).toEqual([]);
    expect(categories('ref: 13812345678')).toEqual([]);
  });

  it('a generic label (no. # 编号) or a PII word before the number does not make it a reference', () => {
    expect(categories('my phone no. 13812345678')).toEqual(['pii_mobile']);
    expect(categories('casino 13812345678')).toEqual(['pii_mobile']);
    expect(categories('#13812345678')).toEqual(['pii_mobile']);
    expect(categories('编号13812345678')).toEqual(['pii_mobile']);
    expect(categories('order phone 13812345678')).toEqual(['pii_mobile']);
    expect(categories('card no. 4111 1111 1111 1111')).toEqual(['pii_bank_card']);
  });

  it('a valid resident ID is PII after any label, order labels included', () => {
    expect(categories('身份证编号11010519491231002X')).toEqual(['pii_id_card']);
    expect(categories('订单号 11010519491231002X')).toEqual(['pii_id_card']);
  });

  it('grouped card and ID numbers are found whole, not as a mobile inside them', () => {
    const spans = (text: string) => {
      const view = normalize(text, 'pii');
      return detectPii(view).map((h) => [h.category, text.slice(view.starts[h.start], view.ends[h.end - 1])]);
    };
    expect(spans('卡号6217 0000 1381 2345 673')).toEqual([['pii_bank_card', '6217 0000 1381 2345 673']]);
    expect(spans('身份证 110105 1949 1231 002X')).toEqual([['pii_id_card', '110105 1949 1231 002X']]);
    expect(spans('身份证 1101 0519 4912 3100 2X')).toEqual([['pii_id_card', '1101 0519 4912 3100 2X']]);
  });

  it('a mobile with separator runs or Chinese numerals', () => {
    for (const t of [
      '1 3 8 1 2 3 4 5 6 7 8',
      '138  1234  5678',
      '138 - 1234 - 5678',
      '(138)1234-5678',
      '138.1234.5678',
      '138，1234，5678',
      '138/1234/5678',
      '1三8一2三4五6七8',
      '幺三八一二三四五六七八',
    ])
      expect([t, categories(`call me at ${t} ok`)]).toEqual([t, ['pii_mobile']]);
  });

  it('amounts, decimals, addresses and dates are not mobiles', () => {
    for (const t of ['13,812,345,678 元', '13.812345678%', '139.123.456.78', '138.5 Mbps', '2024.05.01 13:30'])
      expect([t, categories(t)]).toEqual([t, []]);
  });

  it('an 18-digit ID-shaped number with a bad check digit is neither ID nor card', () => {
    expect(categories('440306199001011237')).toEqual([]);
  });

  it('an 18-digit run right after an ID label is an ID even with a bad check digit (one misheard digit)', () => {
    const spans = (text: string) => {
      const view = normalize(text, 'pii');
      return detectPii(view).map((h) => [h.category, text.slice(view.starts[h.start], view.ends[h.end - 1])]);
    };
    expect(gb11643Valid('110101199003071234')).toBe(false);
    expect(spans('我的手机号是13912345678，身份证号110101199003071234')).toEqual([
      ['pii_id_card', '110101199003071234'],
      ['pii_mobile', '13912345678'],
    ]);
    for (const t of [
      '身份证110101199003071234',
      '身份证号码是：110101199003071234',
      '证件号 11010119900307123X',
      'my ID number is 110101199003071234',
      'ID no. 1101 0119 9003 0712 34',
    ])
      expect([t, categories(t)]).toEqual([t, ['pii_id_card']]);
    // No label, or another label: a bad check digit still means no ID.
    for (const t of ['110101199003071234', '编号 110101199003071234', 'idle 110101199003071234'])
      expect([t, categories(t)]).toEqual([t, []]);
  });

  it('a US SSN after its label; a bare 3-2-4 run is no SSN', () => {
    for (const t of ['my SSN is 123-45-6789', 'SSN: 123 45 6789', 'social security number 123456789'])
      expect([t, categories(t)]).toEqual([t, ['pii_ssn']]);
    for (const t of ['123-45-6789', 'part 123-45-6789', 'my SSN is 123-456-789', 'SSN 123-45 6789'])
      expect([t, categories(t)]).toEqual([t, []]);
  });

  it('e-mail and international numbers', () => {
    expect(categories('a.b+c@example.co.uk')).toEqual(['pii_email']);
    expect(categories('+44 20 7946 0958')).toEqual(['pii_phone']);
    expect(categories('+1 (415) 555-2671')).toEqual(['pii_phone']);
    expect(categories('(415) 555-2671')).toEqual(['pii_phone']);
    expect(categories('010-12345678')).toEqual(['pii_phone']);
  });

  it('phone-shaped numbers that cannot exist are not PII', () => {
    expect(categories('+1 123-456-7890')).toEqual([]);
    expect(categories('+44 12 3456')).toEqual([]);
  });
});

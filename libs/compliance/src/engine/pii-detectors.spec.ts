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
    expect(categories('the order number is 4111111111111111')).toEqual([]);
    expect(categories('my tracking number is 13812345678')).toEqual([]);
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

  it('a long digit run right after a card label is a card whatever its check digit (ASR mishears digits)', () => {
    const spans = (text: string) => {
      const view = normalize(text, 'pii');
      return detectPii(view).map((h) => [h.category, text.slice(view.starts[h.start], view.ends[h.end - 1])]);
    };
    // Luhn fails on each of these numbers; the first digit need not be an issuer's either.
    expect(luhnValid('6222020200112233445')).toBe(false);
    expect(luhnValid('4111111111111112')).toBe(false);
    for (const [text, card] of [
      ['我的银行卡号是6222020200112233445', '6222020200112233445'],
      ['银行卡6222020200112233445，谢谢', '6222020200112233445'],
      ['建行卡 6222020200112233445', '6222020200112233445'],
      ['信用卡 6222 0202 0011 2233 445', '6222 0202 0011 2233 445'],
      ['储蓄卡号码是：6222-0202-0011-2233-445', '6222-0202-0011-2233-445'],
      ['借记卡卡号 6222，0202，0011，2233，445', '6222，0202，0011，2233，445'],
      ['卡号六二二二零二零二零零一一二二三三四四五', '六二二二零二零二零零一一二二三三四四五'],
      ['我的卡号是幺二三四五六七八九零一二三四五六七八', '幺二三四五六七八九零一二三四五六七八'],
      ['卡的号码是6222020200112233445', '6222020200112233445'],
      ['扣款用这张卡 6222020200112233445 吧', '6222020200112233445'],
      ['我的银行账号是6222020200112233445', '6222020200112233445'],
      ['銀行卡號是6222020200112233445', '6222020200112233445'],
      ['my card number is 4111 1111 1111 1112', '4111 1111 1111 1112'],
      ['credit card 4111111111111112, expires soon', '4111111111111112'],
      ['Debit card no. 4111-1111-1111-1112', '4111-1111-1111-1112'],
      ['my visa is 4111111111111112', '4111111111111112'],
      ['I want to pay with my card, the number is 4111 1111 1111 1112', '4111 1111 1111 1112'],
      ['用我的银行卡，号码是6222020200112233445', '6222020200112233445'],
      // One digit dropped or added by ASR: 12 and 20 digits.
      ['卡号 622202020011', '622202020011'],
      ['卡号 62220202001122334456', '62220202001122334456'],
    ])
      expect([text, spans(text)]).toEqual([text, [['pii_bank_card', card]]]);
  });

  it('a card label reaches only the number right after it; amounts, dates, short numbers and orders stay', () => {
    for (const t of [
      '订单号 6222020200112233445',
      '信用卡订单号 6222020200112233445',
      '银行卡余额 1,234,567,890,123 元',
      '信用卡：1,234,567,890,123.50',
      '信用卡账单 2024.05.01-2024.05.31',
      '信用卡 2024-05-01 到期',
      '信用卡还款日是每月15号，额度 50000',
      '卡号后四位是1234',
      '银行卡尾号 3344',
      '套餐199元，信用卡支付也可以',
      'my card ends in 1111',
      'card 12/27',
      '卡号 62220202001',
      '卡号 622202020011223344567',
      'discard 4111111111111112',
      'paid by card, the order number is 4111111111111112',
      '用银行卡付的，订单号是6222020200112233445',
    ])
      expect([t, categories(t)]).toEqual([t, []]);
    // Another PII word between the card label and the number: the number is what that word says.
    expect(categories('银行卡预留手机号 138 0013 8000')).toEqual(['pii_mobile']);
    expect(categories('银行卡绑定的手机 +86 138 0013 8000')).toEqual(['pii_mobile']);
  });

  it('an ID number grouped by the commas ASR writes for pauses, its X read out as 叉', () => {
    for (const t of [
      '身份证号 110105，19491231，002X',
      '身份证号 110105, 19491231, 002x',
      '身份证号一一零一零五一九四九一二三一零零二叉',
      '11010519491231002叉',
    ])
      expect([t, categories(t)]).toEqual([t, ['pii_id_card']]);
    expect(categories('金额 110,105,194,912,310,021')).toEqual([]);
  });

  it('a spoken e-mail address, after an e-mail word or at a mail provider', () => {
    const spans = (text: string) => {
      const view = normalize(text, 'pii');
      return detectPii(view).map((h) => [h.category, text.slice(view.starts[h.start], view.ends[h.end - 1])]);
    };
    for (const [text, address] of [
      ['my email is john dot doe at gmail dot com', 'john dot doe at gmail dot com'],
      ['my e-mail is jd at example dot co dot uk', 'jd at example dot co dot uk'],
      ['send it to john.doe @ gmail.com please', 'john.doe @ gmail.com'],
      ['zhangsan at qq dot com', 'zhangsan at qq dot com'],
      ['我的邮箱是zhangsan艾特qq点com，谢谢', 'zhangsan艾特qq点com'],
      ['邮箱 zhang_san at 163 dot com', 'zhang_san at 163 dot com'],
      ['邮箱是 john underscore doe at example dot com', 'john underscore doe at example dot com'],
      ['邮箱是幺二三四五六七八艾特qq点com', '幺二三四五六七八艾特qq点com'],
    ])
      expect([text, spans(text)]).toEqual([text, [['pii_email', address]]]);
    for (const t of [
      'I saw it at amazon dot com',
      'look at this dot com',
      'we meet at 3 dot com',
      'the price is at 9.99 dot com',
      '我三点到，在星巴克见',
    ])
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

describe('national-format US and UK numbers (libphonenumber-js, regions US and GB, text without Chinese)', () => {
  it.each([
    'call me on 212-736-5000',
    '212 736 5000',
    'my number is 2127365000',
    'my number is 212.736.5000.',
    '(212) 736 5000',
    '1 212 736 5000',
    'my mobile is 07911 123456',
    'the office is 020 7946 0018',
  ])('%s is a phone', (text) => {
    expect(categories(text)).toEqual(['pii_phone']);
  });

  it.each([
    // Numbers that cannot exist: area code 555, 123; a UK number needs its trunk 0.
    '555-123-4567',
    'order 1234567890 shipped',
    'call 1234567890',
    // References, amounts, dates, times, years, prices.
    'order number 2127365000',
    'my tracking number is 2127365000',
    'paid 2,127,365,000 in total',
    '2024.05.01 13:30',
    '2024-05-01 2024-05-31',
    '12/25/2024 10:30',
    'from 2019 to 2023 and 2024',
    'it costs 1999.99, ref 12345',
    'that is 212.7365000 dollars',
    // A Chinese text: a bare ten-digit run there is left to the Chinese detectors.
    '订单 2127365000 已发货',
  ])('%s is not', (text) => {
    expect(categories(text)).toEqual([]);
  });

  it('a card number stays a card, a +1 number one phone', () => {
    expect(categories('my card is 4111 1111 1111 1111')).toEqual(['pii_bank_card']);
    expect(categories('call +1 212 736 5000')).toEqual(['pii_phone']);
    expect(categories('call 13812345678')).toEqual(['pii_mobile']);
  });
});

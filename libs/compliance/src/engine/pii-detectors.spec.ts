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
  });

  it('an 18-digit ID-shaped number with a bad check digit is neither ID nor card', () => {
    expect(categories('440306199001011237')).toEqual([]);
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

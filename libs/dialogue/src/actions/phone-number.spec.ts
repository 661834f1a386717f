import { maskPhone, normalisePhone, phoneDigest } from './phone-number.js';

describe('phone numbers', () => {
  it('maps every spelling of one number to one E.164 form', () => {
    const forms = ['13800138000', '138 0013 8000', '+86 138-0013-8000', '+8613800138000', '(+86) 13800138000'];
    expect(new Set(forms.map((f) => normalisePhone(f, 'zh')))).toEqual(new Set(['+8613800138000']));
    expect(normalisePhone('(415) 555-2671', 'en')).toBe('+14155552671');
  });

  it('rejects what is not a possible number', () => {
    expect(normalisePhone('12', 'zh')).toBeUndefined();
    expect(normalisePhone('not a phone', 'en')).toBeUndefined();
  });

  it('stores a digest, never the number, and masks for display', () => {
    expect(phoneDigest('+8613800138000')).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneDigest('+8613800138000')).not.toContain('138');
    expect(maskPhone('+8613800138000')).toBe('+86138****8000');
  });
});

import { callerNumber } from './caller-number.js';

describe('callerNumber', () => {
  it('keeps a real number, in E.164', () => {
    expect(callerNumber('+8613800000001', 'zh')).toEqual({ phone: '+8613800000001' });
    expect(callerNumber('138 0000 0001', 'zh')).toEqual({ phone: '+8613800000001' });
    expect(callerNumber('tel:+8613800000001', 'zh')).toEqual({ phone: '+8613800000001' });
  });

  it('takes the words platforms send for a hidden caller as withheld', () => {
    for (const raw of ['anonymous', 'Anonymous', 'RESTRICTED', 'Unknown', 'blocked', 'UNAVAILABLE', 'private']) {
      expect(callerNumber(raw, 'zh')).toEqual({ withheld: 'withheld' });
    }
    expect(callerNumber('sip:anonymous@anonymous.invalid', 'en')).toEqual({ withheld: 'withheld' });
  });

  it("takes Twilio's keypad spellings of those words as withheld, even where they parse as numbers", () => {
    // ANONYMOUS, RESTRICTED, UNKNOWN, BLOCKED, UNAVAILABLE on a phone keypad.
    for (const raw of ['+266696687', '+7378742833', '+8656696', '+2562533', '+86282452253', '266696687']) {
      expect(callerNumber(raw, 'en')).toEqual({ withheld: 'withheld' });
    }
  });

  it('takes junk as unparseable and nothing as no number', () => {
    expect(callerNumber('12', 'zh')).toEqual({ withheld: 'unparseable' });
    expect(callerNumber('not a number', 'en')).toEqual({ withheld: 'unparseable' });
    expect(callerNumber(undefined, 'zh')).toEqual({});
    expect(callerNumber('  ', 'zh')).toEqual({});
  });
});

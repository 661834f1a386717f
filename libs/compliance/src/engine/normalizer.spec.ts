import { FLAG_I_OR_L, FLAG_LEET, normalize, viewString } from './normalizer.js';

const view = (s: string) => viewString(normalize(s, 'match'));

describe('normalize (match view)', () => {
  it.each([
    ['ＡＢＣ１２３', 'abc123'], // full width → half width, case folded
    ['穩賺不賠', '稳赚不赔'], // traditional → simplified
    ['保\u200b本\u200d保\u2060息\ufeff', '保本保息'], // zero-width characters
    ['保\u202e本\u202c', '保本'], // bidi controls
    ['保 本。保-息！', '保本保息'], // separators ignored
    ['稳稳稳赚赚不赔', '稳赚不赔'], // CJK repeats collapse
    ['freeeeee', 'free'], // Latin runs capped at two
    ['rísk-frée', 'riskfree'], // marks dropped
    ['①②③', '123'], // circled digits
    ['微❤', '微❤'], // pictographs are characters
    ['1000', '1000'], // digits are never collapsed
    ['送给妈妈的', '送给妈妈的'], // a doubled kinship word is a word
    ['妈妈妈的', '妈的'], // … but three in a row are a repeat
    ['〇风险', '0风险'], // 〇 is only ever a zero
    ['gu\u0430r\u0430nt\u0435\u0435', 'guarantee'], // Cyrillic look-alikes read as Latin
    ['risk-fr\u0435\u0435', 'riskfree'], // … before Latin repeats are capped, so ее stays ee
    ['gu\u03b1r\u03b1ntee', 'guarantee'], // Greek α
    ['r1sk-free', 'r1skfree'], // leetspeak is left to the evasion view
  ])('%s → %s', (input, expected) => {
    expect(view(input)).toBe(expected);
  });

  it('evasion view: leetspeak read as letters and flagged, a letter between characters dropped', () => {
    const evasion = (text: string) => viewString(normalize(text, 'evasion'));
    expect(evasion('gu4r@ntee r1$k-fr33')).toBe('guaranteeriskfree');
    expect(evasion('保x本保息')).toBe('保本保息');
    expect(evasion('稳 K 赚不赔')).toBe('稳赚不赔');
    // A digit between characters is read as a letter but never dropped (国家1级 is no 国家级), and
    // letters of a Latin run stay.
    expect(evasion('国家1级')).toBe('国家i级');
    expect(evasion('国家AAAA级')).toBe('国家aa级');
    expect(evasion('加v信')).toBe('加信');
    const n = normalize('r1sk', 'evasion');
    expect(n.flags.map((f) => (f & FLAG_LEET) !== 0)).toEqual([false, true, false, false]);
    // | and ! before a Latin letter are letters (flagged as i-or-l), elsewhere punctuation; a lone
    // digit between characters is dropped unless it counts a unit or follows 第.
    expect(evasion('no |oss, r!sk-free!')).toBe('nolossriskfree');
    expect(normalize('|oss', 'evasion').flags[0] & FLAG_I_OR_L).toBe(FLAG_I_OR_L);
    expect(evasion('保1本 稳9赚')).toBe('保本稳赚');
    expect(evasion('2年保修，5折，第3期，国家1级')).toBe('2年保修s折第e期国家i级'); // leet letters, kept
    const dropped = normalize('保x本', 'evasion');
    expect(dropped.cps.map((_, i) => '保x本'.slice(dropped.starts[i], dropped.ends[i]))).toEqual(['保', '本']);
  });

  it('maps every view character back to its original span', () => {
    const text = 'Ｇ u\u200ba 穩穩賺';
    const n = normalize(text, 'match');
    expect(viewString(n)).toBe('gua稳赚');
    expect(n.cps.map((_, i) => text.slice(n.starts[i], n.ends[i]))).toEqual(['Ｇ', 'u', 'a', '穩穩', '賺']);
  });

  it('keeps offsets right around astral characters', () => {
    const text = '😀保本😀';
    const n = normalize(text, 'match');
    const i = n.cps.indexOf('保'.codePointAt(0) ?? 0);
    expect(text.slice(n.starts[i], n.ends[i + 1])).toBe('保本');
  });

  it('PII view keeps separators and reads financial numerals as digits', () => {
    expect(viewString(normalize('壹叁捌-１２３４ 5678', 'pii'))).toBe('138-1234 5678');
    expect(viewString(normalize('零风险', 'match'))).toBe('零风险');
    expect(viewString(normalize('1三8幺二', 'pii'))).toBe('13812');
    expect(viewString(normalize('零零二叉', 'pii'))).toBe('002x');
    expect(viewString(normalize('第一次', 'match'))).toBe('第一次');
  });

  it('never throws on hostile input', () => {
    const hostile = [
      '',
      '\u0000\u0001',
      '\ud800',
      'a\u0301\u0301\u0301',
      '\u{e0041}',
      '🏳️‍🌈'.repeat(100),
      '\uffff'.repeat(10),
    ];
    for (const h of hostile) expect(() => normalize(h, 'match')).not.toThrow();
  });
});

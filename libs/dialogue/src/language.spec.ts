import {
  baseLanguage,
  canonicalLanguage,
  heardIn,
  isLanguageTag,
  languageOf,
  libraryLanguage,
  replyLanguage,
} from './language.js';

describe('canonicalLanguage', () => {
  it.each([
    ['en', 'en'],
    ['EN-us', 'en-US'],
    ['zh-cn', 'zh-CN'],
    ['cmn-Hans-CN', 'zh-Hans-CN'],
    ['iw', 'he'],
  ])('%s → %s', (tag, canonical) => {
    expect(canonicalLanguage(tag)).toBe(canonical);
  });

  it.each([
    ['punctuation', 'xx-!!'],
    ['an underscore form', 'en_US'],
    ['empty', ''],
    ['500 characters', 'a'.repeat(500)],
    ['a well-formed tag over 35 characters', 'en-abcdefgh-abcdefgh-abcdefgh-abcdefgh'],
    ['a number', 7],
    ['null', null],
  ])('rejects %s', (_, tag) => {
    expect(canonicalLanguage(tag)).toBeUndefined();
  });
});

describe('libraryLanguage', () => {
  const sample = ['zh', 'opening', 'en', 'zh'].filter(isLanguageTag);

  it.each([
    ['en', 'en'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['zh-CN', 'zh'],
    ['zh-Hant-HK', 'zh'],
  ])('%s → %s in a zh/en library', (hint, tag) => {
    expect(libraryLanguage(hint, sample)).toBe(tag);
  });

  it('undefined for a language the library has no scripts in, or a library without language tags', () => {
    expect(libraryLanguage('fr-FR', sample)).toBeUndefined();
    expect(libraryLanguage('en', [])).toBeUndefined();
  });

  it('the most specific tag first, spelled as the library spells it', () => {
    expect(libraryLanguage('zh-HK', ['zh', 'zh-hk'])).toBe('zh-hk');
    expect(libraryLanguage('zh-CN', ['zh', 'zh-hk'])).toBe('zh');
  });
});

describe('baseLanguage', () => {
  it('zh and en, with or without a region; nothing else', () => {
    expect([baseLanguage('zh-hk'), baseLanguage('en'), baseLanguage('fr'), baseLanguage(undefined)]).toEqual([
      'zh',
      'en',
      undefined,
      undefined,
    ]);
  });
});

describe('replyLanguage', () => {
  it.each([
    ['nothing known: the campaign’s', {}, 'zh'],
    ['the start’s hint', { language: 'en' }, 'en'],
    ['what the caller spoke, over the hint', { language: 'en', spokenLanguage: 'zh' as const }, 'zh'],
    ['what the caller spoke, without a hint', { spokenLanguage: 'en' as const }, 'en'],
  ])('%s', (_, conversation, expected) => {
    expect(replyLanguage(conversation, 'zh')).toBe(expected);
  });
});

describe('heardIn', () => {
  it('words that tell set the spoken language; the last that told wins', () => {
    const hinted = { language: 'en' };
    const zh = heardIn(hinted, '你们是哪个公司的');
    expect(zh).toEqual({ language: 'en', spokenLanguage: 'zh' });
    expect(heardIn(zh, 'ok then')).toEqual({ language: 'en', spokenLanguage: 'en' });
  });

  it.each(['???', '13800000000', '', 'OK', 'WiFi', '5G'])(
    'words that tell nothing (%j) leave the conversation as it was',
    (text) => {
      const said = { spokenLanguage: 'en' as const };
      expect(heardIn(said, text)).toBe(said);
    },
  );
});

describe('languageOf', () => {
  it.each(['OK', 'ok ok', 'Okay', 'WiFi', '5G', 'APP', 'VIP', 'iPhone', 'ok 5G', 'CCTV', 'hao de', '123', 'en en'])(
    '%j tells no language: a filler, brand or tech word a Chinese caller says as it is',
    (text) => {
      expect(languageOf(text)).toBeUndefined();
    },
  );

  it.each(['how much is it', 'yes', 'no', 'why do you need that', 'ok then', 'I live on Maple Street', 'OK sure'])(
    '%j is English',
    (text) => {
      expect(languageOf(text)).toBe('en');
    },
  );

  it('CJK is Chinese, Latin words or not', () => {
    expect(languageOf('OK，你说')).toBe('zh');
    expect(languageOf('WiFi信号好吗')).toBe('zh');
  });

  it('one English word among words the list does not know tells nothing; two tell', () => {
    expect(languageOf('Xinghe phone')).toBeUndefined();
    expect(languageOf('my Xinghe phone')).toBe('en');
  });
});

import { baseLanguage, canonicalLanguage, isLanguageTag, libraryLanguage } from './language.js';

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

import { lexicalScores, lexicalTerms } from './lexical-rank.js';

describe('lexicalTerms', () => {
  it('gives CJK characters and bigrams, Latin words with a plural s dropped, normalised', () => {
    expect(lexicalTerms('网速 Speeds，ＧＢ')).toEqual(['网', '网速', '速', 'speed', 'gb']);
    expect(lexicalTerms('class bus')).toEqual(['class', 'bus']);
  });

  it('leaves out function words and characters, keeping the bigrams they are part of', () => {
    expect(lexicalTerms('what speeds do you get')).toEqual(['speed']);
    expect(lexicalTerms('号码能保留吗')).toEqual(['号', '号码', '码', '码能', '能保', '保', '保留', '留', '留吗']);
  });

  it('leaves out 多, 少 and 一, which a quantity question shares with any reply (多少, 大多数, 一下), keeping 多少', () => {
    expect(lexicalTerms('多少钱一个月')).toEqual(['多少', '少钱', '钱', '钱一', '一个', '个月', '月']);
    const s = lexicalScores('这个套餐多少钱一个月', [
      '千兆宽带家庭套餐的月费是每月199元，包含宽带和两张手机卡。',
      '按您现在宽带加两部手机分开交费算，大多数家庭换成千兆宽带家庭套餐后每月能省下一部分费用，具体可以按您的账单帮您算一下。',
    ]);
    expect(s[0]).toBeGreaterThan(s[1]);
  });

  it('ignores punctuation, emoji and control characters, and never throws', () => {
    expect(lexicalTerms('((( [*+?] \u0000 😀 ...')).toEqual([]);
    expect(lexicalTerms('')).toEqual([]);
  });
});

describe('lexicalScores', () => {
  const replies = [
    'The two SIM cards share 100 GB of data a month.',
    "It's gigabit fibre. Real speeds also depend on your Wi-Fi and cabling.",
    'You can keep your current mobile number.',
  ];

  it('scores highest the reply that shares the rarest words with the question', () => {
    const s = lexicalScores('what speeds do you get', replies);
    expect(s[1]).toBeGreaterThan(s[0]);
    expect(s[1]).toBeGreaterThan(s[2]);
    const number = lexicalScores('can i keep my number', replies);
    expect(number.indexOf(Math.max(...number))).toBe(2);
  });

  it('gives 0 to a reply that shares nothing, and works for Chinese', () => {
    expect(lexicalScores('hello', replies)).toEqual([0, 0, 0]);
    const zh = lexicalScores('流量多少', ['每月共享100GB通用流量', '合约期24个月', '安装大约一个小时']);
    expect(zh[0]).toBeGreaterThan(0);
    expect(zh.slice(1)).toEqual([0, 0]);
  });

  it('takes hostile and empty input without throwing', () => {
    expect(lexicalScores('(((*', replies)).toEqual([0, 0, 0]);
    expect(lexicalScores('x'.repeat(10_000), replies)).toEqual([0, 0, 0]);
    expect(lexicalScores('data', [])).toEqual([]);
    expect(lexicalScores('data', ['', '((('])).toEqual([0, 0]);
  });
});

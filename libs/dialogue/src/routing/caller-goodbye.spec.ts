import { ComplianceEngine, loadDefaultLexicon } from '@huashu/compliance';
import { GOODBYE_CATEGORY, onlyClosesCall } from './caller-goodbye.js';

// The shipped lexicon's `goodbye` category, as input screening finds it.
const engine = new ComplianceEngine(loadDefaultLexicon());
const closes = (text: string) => onlyClosesCall(text, engine.scan(text));

describe('onlyClosesCall: a closing phrase and nothing but fillers', () => {
  it.each([
    '再见',
    '再見！',
    '拜拜',
    '好的，再见',
    '好吧，那再见',
    '好的谢谢再见',
    '嗯好的拜拜',
    '嗯，知道了，拜拜',
    '先这样吧再见',
    '那就先这样吧，拜拜',
    '挂了啊',
    '我先挂了',
    '不聊了，挂了',
    'bye',
    'Goodbye!',
    'ok thanks bye',
    'ok thanks, bye',
    'OK, thank you, goodbye.',
    'alright, talk to you later',
    'talk later bye',
    'Bye-bye!',
  ])('%s', (text) => {
    expect(closes(text)).toBe(true);
  });

  it.each([
    // No closing phrase at all: assent or thanks alone goes on to the model.
    '好的',
    '谢谢',
    'ok thanks',
    // A closing inside a request is no hit; one beside a request leaves words that are no filler.
    '再见之前我想问一下价格',
    '明天再打给我，拜拜',
    '不用了，再见',
    '别再打了，再见',
    '滚，再见',
    '你别挂了',
    'bye the way',
    'goodbye to high bills?',
    'call me tomorrow, bye',
    // A Latin filler is a whole word: "soon" is not so + on.
    'soon bye',
    // Redacted words are no filler.
    '我的号码是***********，再见',
  ])('not: %s', (text) => {
    expect(closes(text)).toBe(false);
  });

  it('only hits of its own category count', () => {
    expect(onlyClosesCall('再见', [{ category: 'abuse', match: '再见', start: 0, end: 2 }])).toBe(false);
    expect(onlyClosesCall('再见', [{ category: GOODBYE_CATEGORY, match: '再见', start: 0, end: 2 }])).toBe(true);
  });
});

import { ComplianceEngine, loadDefaultLexicon } from '@huashu/compliance';
import { callerAsks } from './caller-asks.js';

// The shipped lexicon's repeat_request, hold_request and line_check categories, as input screening finds them.
const engine = new ComplianceEngine(loadDefaultLexicon());
const asks = (text: string) => callerAsks(text, engine.scan(text));

describe('callerAsks: a request about the call itself, and nothing else', () => {
  it.each([
    '没听清',
    '没听清楚，再说一遍',
    '不好意思，你能再说一遍吗？',
    '你说什么？',
    '什么？',
    '啊？你刚才说什么',
    'What did you say?',
    'Can you repeat that?',
    'Pardon?',
    'sorry?',
    'Sorry, could you say that again please?',
    'come again?',
    'what?',
    'Sorry, what?',
    'excuse me?',
  ])('"%s" asks for the last line again', (text) => {
    expect(asks(text)).toBe('repeat');
  });

  it.each([
    '你等一下',
    '稍等',
    '好，你等一下',
    '等等',
    '喂，你先等一下',
    'hold on',
    'hold on a second',
    'One moment.',
    'just a sec',
  ])('"%s" asks the bot to wait', (text) => {
    expect(asks(text)).toBe('hold');
  });

  it.each([
    '喂',
    '喂？',
    '喂喂',
    '喂喂，听得到吗',
    '喂？听得到吗？',
    '你还在吗',
    'can you hear me?',
    'hello? are you there?',
  ])('"%s" checks the line', (text) => {
    expect(asks(text)).toBe('line_check');
  });

  it.each([
    '喂，多少钱',
    '喂你好',
    '你好',
    'hello',
    '没听清，安装要多久？',
    '什么套餐',
    '你说吧',
    '嗯，你说',
    'what is the price',
    'sorry, I am busy',
    'hold on, how much is it',
    'what does it cost',
    'sorry, how much is it?',
    "I can't wait",
    'ok',
    '等一下再打给我',
    '合约期多久',
    '好的',
  ])('"%s" asks something else (or nothing of the call)', (text) => {
    expect(asks(text)).toBeUndefined();
  });
});

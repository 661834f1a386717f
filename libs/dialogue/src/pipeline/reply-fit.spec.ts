import { DEFAULT_ROUTES } from '@huashu/campaigns';
import type { Script } from '@huashu/scripts';
import { languageOf } from '../language.js';
import {
  announcesListing,
  asksQuestion,
  closesCall,
  closingLine,
  fitsAction,
  quotable,
  sameRole,
  scriptAction,
  type AnsweredTurn,
} from './reply-fit.js';

const script = (over: Partial<Script>): Script => ({
  id: 's',
  campaignId: 'c',
  text: 'ok',
  tags: [],
  fallback: false,
  enabled: true,
  version: 1,
  updatedAt: '2024-01-01T00:00:00.000Z',
  updatedBy: 'test',
  ...over,
});
const routes = structuredClone(DEFAULT_ROUTES);

describe('scriptAction', () => {
  it('reads transfer and goodbye tags, the closed stage, then the intent’s route-table action', () => {
    expect(scriptAction(script({ tags: ['zh', 'transfer'] }), routes)).toBe('transfer');
    expect(scriptAction(script({ tags: ['en', 'goodbye'], stage: 'closed' }), routes)).toBe('hangup');
    expect(scriptAction(script({ intent: 'ready_to_buy' }), routes)).toBe('transfer');
    expect(scriptAction(script({ intent: 'busy_call_later' }), routes)).toBe('hangup');
    expect(scriptAction(script({ intent: 'affirm', stage: 'engaged' }), routes)).toBe('continue');
    expect(scriptAction(script({}), routes)).toBe('continue');
  });

  it('a confirmation question (tagged confirm) announces nothing: the call waits for the answer', () => {
    const ask = script({
      intent: 'do_not_call',
      tags: ['zh', 'confirm'],
      text: '您是希望我们以后不再给您打电话了吗？',
    });
    expect(scriptAction(ask, routes)).toBe('continue');
    expect(fitsAction(ask, 'continue', routes, false)).toBe(true);
    expect(fitsAction(ask, 'hangup', routes, false)).toBe(false);
  });

  it('follows a campaign’s route table', () => {
    const custom = { ...routes, ask_human: { route: 'script' as const, action: 'continue' as const } };
    expect(scriptAction(script({ intent: 'ask_human' }), custom)).toBe('continue');
  });

  it('a do_not_call line announces the listing (hangup) whatever the campaign routes do_not_call to', () => {
    const goesOn = { ...routes, do_not_call: { route: 'script' as const, action: 'continue' as const } };
    const line = script({ intent: 'do_not_call', text: '我们会把您的号码登记为免打扰，再见。' });
    expect(scriptAction(line, goesOn)).toBe('hangup');
    expect(fitsAction(line, 'continue', goesOn, false)).toBe(false);
    expect(scriptAction(script({ intent: 'do_not_call', tags: ['confirm'] }), goesOn)).toBe('continue');
  });
});

describe('announcesListing', () => {
  it('is a do_not_call line other than the confirmation question', () => {
    expect(announcesListing(script({ intent: 'do_not_call', text: '我们会把您的号码登记为免打扰，再见。' }))).toBe(
      true,
    );
    expect(announcesListing(script({ intent: 'do_not_call', tags: ['confirm'], text: '您是希望…吗？' }))).toBe(false);
    expect(announcesListing(script({ intent: 'wrong_person', text: '抱歉打扰了，再见。' }))).toBe(false);
  });
});

describe('fitsAction', () => {
  it('refuses a script announcing another action, and a question on a hangup turn', () => {
    expect(fitsAction(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes, false)).toBe(false);
    expect(fitsAction(script({ intent: 'busy_call_later', text: '您什么时候方便？' }), 'hangup', routes, false)).toBe(
      false,
    );
    expect(
      fitsAction(script({ intent: 'busy_call_later', text: '好的，已经帮您记下了。' }), 'hangup', routes, false),
    ).toBe(true);
    expect(fitsAction(script({ intent: 'deny', text: 'Is it the price?' }), 'continue', routes, false)).toBe(true);
  });

  it('a line announcing the listing only where the turn lists a number', () => {
    const line = script({ intent: 'do_not_call', text: 'We will register your number as opted out. Goodbye.' });
    expect(fitsAction(line, 'hangup', routes, true)).toBe(true);
    // A do-not-call without a phone number, another intent's hangup: nothing is listed.
    expect(fitsAction(line, 'hangup', routes, false)).toBe(false);
    expect(quotable(line, 'hangup', routes, false)).toBe(false);
    // Other closing lines fit either way.
    const bye = script({ intent: 'wrong_person', text: 'Sorry to have bothered you, goodbye.' });
    expect(fitsAction(bye, 'hangup', routes, false)).toBe(true);
    expect(fitsAction(bye, 'hangup', routes, true)).toBe(true);
  });
});

describe('quotable', () => {
  it('is fitsAction without the confirmation question', () => {
    const ask = script({
      intent: 'do_not_call',
      tags: ['zh', 'confirm'],
      text: '您是希望我们以后不再给您打电话了吗？',
    });
    expect(fitsAction(ask, 'continue', routes, false)).toBe(true);
    expect(quotable(ask, 'continue', routes, false)).toBe(false);
    expect(quotable(script({ intent: 'affirm', stage: 'engaged' }), 'continue', routes, false)).toBe(true);
    expect(quotable(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes, false)).toBe(false);
  });
});

describe('closesCall / closingLine', () => {
  const unlisted: AnsweredTurn = { intent: 'do_not_call', lists: false };
  const goodbye = script({ id: 'zh-bye', tags: ['zh', 'goodbye'], stage: 'closed', text: '感谢您的时间，再见！' });

  it('takes an approved closing line that asks nothing and promises nothing the turn does not do', () => {
    expect(closesCall(goodbye, routes, unlisted)).toBe(true);
    // The closed stage alone, or the tag alone, marks a closing line.
    expect(closesCall(script({ stage: 'closed', text: 'Goodbye!' }), routes, unlisted)).toBe(true);
    expect(closesCall(script({ tags: ['goodbye'], text: 'Goodbye!' }), routes, unlisted)).toBe(true);
    // Neither: the default fallback is no closing line, nor a question tagged goodbye.
    expect(closesCall(script({ fallback: true, text: 'Could you say that again?' }), routes, unlisted)).toBe(false);
    expect(closesCall(script({ tags: ['goodbye'], text: 'Anything else before I go?' }), routes, unlisted)).toBe(false);
    expect(closesCall(script({ tags: ['goodbye', 'transfer'], text: 'Hold on.' }), routes, unlisted)).toBe(false);
  });

  it('a do_not_call closing line only where the number is listed; another intent’s never', () => {
    const dnc = script({ intent: 'do_not_call', tags: ['goodbye'], text: '我们会登记您的号码，再见。' });
    expect(closesCall(dnc, routes, unlisted)).toBe(false);
    expect(closesCall(dnc, routes, { intent: 'do_not_call', lists: true })).toBe(true);
    const busy = script({ intent: 'busy_call_later', stage: 'closed', text: '我们稍后再联系您，再见。' });
    expect(closesCall(busy, routes, unlisted)).toBe(false);
    expect(closesCall(busy, routes, { intent: 'busy_call_later', lists: false })).toBe(true);
  });

  it('picks the customer’s language, then the campaign’s, then any; a plain goodbye before the intent’s', () => {
    const own = script({ id: 'en-own', intent: 'not_interested', tags: ['en', 'goodbye'], text: 'Bye!' });
    const plainEn = script({ id: 'en-bye', tags: ['en', 'goodbye'], text: 'Goodbye!' });
    const fr = script({ id: 'fr-bye', tags: ['fr', 'goodbye'], text: 'Au revoir !' });
    expect(closingLine([goodbye, own, plainEn], 'en', 'zh')?.id).toBe('en-bye');
    expect(closingLine([goodbye, own], 'en', 'zh')?.id).toBe('en-own');
    expect(closingLine([fr, goodbye], 'en', 'zh')?.id).toBe('zh-bye');
    expect(closingLine([fr], 'en', 'zh')?.id).toBe('fr-bye');
    expect(closingLine([], 'en', 'zh')).toBeUndefined();
  });
});

describe('sameRole', () => {
  it('matches translations: same intent, stage, fallback flag and tags but the language ones', () => {
    const zh = script({ id: 'zh-goodbye', stage: 'closed', tags: ['zh', 'goodbye'] });
    expect(sameRole(zh, script({ id: 'en-goodbye', stage: 'closed', tags: ['goodbye', 'en'] }))).toBe(true);
    expect(sameRole(zh, script({ id: 'en-x', stage: 'closed', tags: ['en'] }))).toBe(false);
    expect(sameRole(zh, script({ id: 'en-y', stage: 'closed', tags: ['en', 'goodbye'], fallback: true }))).toBe(false);
  });
});

describe('languageOf / asksQuestion', () => {
  it('tells zh from en and finds full-width question marks', () => {
    expect(languageOf('好的 ok')).toBe('zh');
    expect(languageOf('No')).toBe('en');
    expect(languageOf('123')).toBeUndefined();
    expect(asksQuestion('请问您什么时候方便？')).toBe(true);
    expect(asksQuestion('Goodbye!')).toBe(false);
  });
});

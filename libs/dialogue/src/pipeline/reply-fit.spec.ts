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
/** A turn answering `intent` that lists no number, or lists one. */
const unlisted = (intent: AnsweredTurn['intent']): AnsweredTurn => ({ intent, lists: false });
const listed = (intent: AnsweredTurn['intent']): AnsweredTurn => ({ intent, lists: true });

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
    expect(fitsAction(ask, 'continue', routes, unlisted('do_not_call'))).toBe(true);
    expect(fitsAction(ask, 'hangup', routes, unlisted('do_not_call'))).toBe(false);
  });

  it('follows a campaign’s route table', () => {
    const custom = { ...routes, ask_human: { route: 'script' as const, action: 'continue' as const } };
    expect(scriptAction(script({ intent: 'ask_human' }), custom)).toBe('continue');
  });

  it('a do_not_call line announces the listing (hangup) whatever the campaign routes do_not_call to', () => {
    const goesOn = { ...routes, do_not_call: { route: 'script' as const, action: 'continue' as const } };
    const line = script({ intent: 'do_not_call', text: '我们会把您的号码登记为免打扰，再见。' });
    expect(scriptAction(line, goesOn)).toBe('hangup');
    expect(fitsAction(line, 'continue', goesOn, listed('do_not_call'))).toBe(false);
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
    const busy = unlisted('busy_call_later');
    expect(fitsAction(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes, busy)).toBe(false);
    expect(fitsAction(script({ intent: 'busy_call_later', text: '您什么时候方便？' }), 'hangup', routes, busy)).toBe(
      false,
    );
    expect(
      fitsAction(script({ intent: 'busy_call_later', text: '好的，已经帮您记下了。' }), 'hangup', routes, busy),
    ).toBe(true);
    // A turn that goes on may answer with another intent's line.
    expect(fitsAction(script({ intent: 'deny', text: 'Is it the price?' }), 'continue', routes, busy)).toBe(true);
  });

  it('a line announcing the listing only where the turn lists a number', () => {
    const line = script({ intent: 'do_not_call', text: 'We will register your number as opted out. Goodbye.' });
    expect(fitsAction(line, 'hangup', routes, listed('do_not_call'))).toBe(true);
    // A do-not-call without a phone number: nothing is listed.
    expect(fitsAction(line, 'hangup', routes, unlisted('do_not_call'))).toBe(false);
    expect(quotable(line, 'hangup', routes, unlisted('do_not_call'))).toBe(false);
    // Other closing lines of the turn's intent fit either way.
    const bye = script({ intent: 'wrong_person', text: 'Sorry to have bothered you, goodbye.' });
    expect(fitsAction(bye, 'hangup', routes, unlisted('wrong_person'))).toBe(true);
    expect(fitsAction(bye, 'hangup', routes, listed('wrong_person'))).toBe(true);
  });

  it('a hangup or transfer line only of the turn’s intent, or of none', () => {
    // wrong_person's and busy_call_later's goodbyes say something false to a do-not-call.
    const wrong = script({ intent: 'wrong_person', text: 'It seems our details are out of date, goodbye.' });
    const later = script({ intent: 'busy_call_later', text: 'We will call you back later, goodbye.' });
    const plain = script({ tags: ['goodbye'], text: 'Goodbye!' });
    for (const turn of [unlisted('do_not_call'), listed('do_not_call')]) {
      expect(fitsAction(wrong, 'hangup', routes, turn)).toBe(false);
      expect(quotable(later, 'hangup', routes, turn)).toBe(false);
      expect(quotable(plain, 'hangup', routes, turn)).toBe(true);
    }
    expect(fitsAction(later, 'hangup', routes, unlisted('busy_call_later'))).toBe(true);
    // The listing line of a do-not-call is never another intent's hangup.
    const listing = script({ intent: 'do_not_call', text: 'We will register your number as opted out. Goodbye.' });
    expect(fitsAction(listing, 'hangup', routes, listed('wrong_person'))).toBe(false);
    // A complaint's transfer apologises to a customer ready to buy; the generic transfer fits any.
    const complaint = script({ intent: 'complaint', tags: ['transfer'], text: 'Sorry about that, transferring.' });
    const generic = script({ tags: ['transfer'], text: 'Let me transfer you.' });
    expect(quotable(complaint, 'transfer', routes, unlisted('ready_to_buy'))).toBe(false);
    expect(quotable(complaint, 'transfer', routes, unlisted('complaint'))).toBe(true);
    expect(quotable(generic, 'transfer', routes, unlisted('ready_to_buy'))).toBe(true);
  });
});

describe('quotable', () => {
  it('is fitsAction without the confirmation question', () => {
    const ask = script({
      intent: 'do_not_call',
      tags: ['zh', 'confirm'],
      text: '您是希望我们以后不再给您打电话了吗？',
    });
    const turn = unlisted('do_not_call');
    expect(fitsAction(ask, 'continue', routes, turn)).toBe(true);
    expect(quotable(ask, 'continue', routes, turn)).toBe(false);
    expect(quotable(script({ intent: 'affirm', stage: 'engaged' }), 'continue', routes, turn)).toBe(true);
    expect(quotable(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes, turn)).toBe(false);
  });

  it('is never the AI disclosure, said only to a caller who asks whether they talk to a bot', () => {
    const disclosure = script({ tags: ['en', 'disclosure'], text: "I'm an automated assistant, not a person." });
    const turn = unlisted('ask_company');
    expect(fitsAction(disclosure, 'continue', routes, turn)).toBe(true);
    expect(quotable(disclosure, 'continue', routes, turn)).toBe(false);
  });
});

describe('quotable: greeting lines', () => {
  it('says the opening and greeting scripts only to a greeting', () => {
    const opening = script({ id: 'zh-opening', intent: 'greeting', stage: 'new', tags: ['zh', 'opening'] });
    const reply = script({ id: 'zh-greeting-reply', intent: 'greeting', stage: 'new', tags: ['zh'] });
    // A campaign may name any script its opening, tagged or not.
    const named = script({ id: 'hello', intent: 'interested', tags: ['zh'] });
    const turn = (intent: AnsweredTurn['intent']): AnsweredTurn => ({ ...unlisted(intent), opening: 'hello' });
    for (const s of [opening, reply, named]) {
      expect(quotable(s, 'continue', routes, turn('greeting'))).toBe(true);
      expect(quotable(s, 'continue', routes, turn('interested'))).toBe(false);
      expect(quotable(s, 'continue', routes, turn('objection_price'))).toBe(false);
    }
    expect(quotable(named, 'continue', routes, unlisted('interested'))).toBe(true);
  });
});

describe('closesCall / closingLine', () => {
  const dnc = unlisted('do_not_call');
  const goodbye = script({ id: 'zh-bye', tags: ['zh', 'goodbye'], stage: 'closed', text: '感谢您的时间，再见！' });

  it('takes an approved closing line that asks nothing and promises nothing the turn does not do', () => {
    expect(closesCall(goodbye, routes, dnc)).toBe(true);
    // The closed stage alone, or the tag alone, marks a closing line.
    expect(closesCall(script({ stage: 'closed', text: 'Goodbye!' }), routes, dnc)).toBe(true);
    expect(closesCall(script({ tags: ['goodbye'], text: 'Goodbye!' }), routes, dnc)).toBe(true);
    // Neither: the default fallback is no closing line, nor a question tagged goodbye.
    expect(closesCall(script({ fallback: true, text: 'Could you say that again?' }), routes, dnc)).toBe(false);
    expect(closesCall(script({ tags: ['goodbye'], text: 'Anything else before I go?' }), routes, dnc)).toBe(false);
    expect(closesCall(script({ tags: ['goodbye', 'transfer'], text: 'Hold on.' }), routes, dnc)).toBe(false);
  });

  it('a do_not_call closing line only where the number is listed; another intent’s never', () => {
    const listing = script({ intent: 'do_not_call', tags: ['goodbye'], text: '我们会登记您的号码，再见。' });
    expect(closesCall(listing, routes, dnc)).toBe(false);
    expect(closesCall(listing, routes, listed('do_not_call'))).toBe(true);
    const busy = script({ intent: 'busy_call_later', stage: 'closed', text: '我们稍后再联系您，再见。' });
    expect(closesCall(busy, routes, dnc)).toBe(false);
    expect(closesCall(busy, routes, unlisted('busy_call_later'))).toBe(true);
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

import { DEFAULT_ROUTES } from '@huashu/campaigns';
import type { Script } from '@huashu/scripts';
import { languageOf } from '../language.js';
import { asksQuestion, fitsAction, quotable, sameRole, scriptAction } from './reply-fit.js';

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
    expect(fitsAction(ask, 'continue', routes)).toBe(true);
    expect(fitsAction(ask, 'hangup', routes)).toBe(false);
  });

  it('follows a campaign’s route table', () => {
    const custom = { ...routes, ask_human: { route: 'script' as const, action: 'continue' as const } };
    expect(scriptAction(script({ intent: 'ask_human' }), custom)).toBe('continue');
  });

  it('a do_not_call line announces the listing (hangup) whatever the campaign routes do_not_call to', () => {
    const goesOn = { ...routes, do_not_call: { route: 'script' as const, action: 'continue' as const } };
    const line = script({ intent: 'do_not_call', text: '我们会把您的号码登记为免打扰，再见。' });
    expect(scriptAction(line, goesOn)).toBe('hangup');
    expect(fitsAction(line, 'continue', goesOn)).toBe(false);
    expect(scriptAction(script({ intent: 'do_not_call', tags: ['confirm'] }), goesOn)).toBe('continue');
  });
});

describe('fitsAction', () => {
  it('refuses a script announcing another action, and a question on a hangup turn', () => {
    expect(fitsAction(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes)).toBe(false);
    expect(fitsAction(script({ intent: 'busy_call_later', text: '您什么时候方便？' }), 'hangup', routes)).toBe(false);
    expect(fitsAction(script({ intent: 'busy_call_later', text: '好的，已经帮您记下了。' }), 'hangup', routes)).toBe(
      true,
    );
    expect(fitsAction(script({ intent: 'deny', text: 'Is it the price?' }), 'continue', routes)).toBe(true);
  });
});

describe('quotable', () => {
  it('is fitsAction without the confirmation question', () => {
    const ask = script({
      intent: 'do_not_call',
      tags: ['zh', 'confirm'],
      text: '您是希望我们以后不再给您打电话了吗？',
    });
    expect(fitsAction(ask, 'continue', routes)).toBe(true);
    expect(quotable(ask, 'continue', routes)).toBe(false);
    expect(quotable(script({ intent: 'affirm', stage: 'engaged' }), 'continue', routes)).toBe(true);
    expect(quotable(script({ intent: 'ask_human', tags: ['transfer'] }), 'continue', routes)).toBe(false);
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

import { defaultCampaign, type Campaign } from '@huashu/campaigns';
import type { Script } from '../script-matcher.port.js';
import type { VersionMeta } from '../library/script-library.repository.js';
import { publishWarnings, rolledBackDraftWarning } from './publish-warnings.js';

const script = (id: string, text: string): Script => ({
  id,
  campaignId: 'acme',
  text,
  tags: [],
  fallback: false,
  enabled: true,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'test',
});

const campaign = (over: Partial<Campaign>): Campaign => ({
  ...defaultCampaign('acme'),
  transferTarget: 'sip:closers@acme.example',
  ...over,
});

describe('publishWarnings', () => {
  it('nothing to say when every named script is there and every slot is filled', () => {
    const c = campaign({ openingScriptId: 'open', slots: { company_name: 'Acme' } });
    expect(publishWarnings(c, [script('open', '您好{customer_name}，我是{company_name}。')])).toEqual([]);
  });

  it('names the setting of a missing or disabled script', () => {
    const c = campaign({
      openingScriptId: 'gone',
      goodbyeScriptId: 'off',
      followOns: { open: 'gone' },
    });
    const warnings = publishWarnings(c, [script('open', 'hi')], new Set(['off']));
    expect(warnings.map((w) => [w.code, w.field, w.scriptId])).toEqual([
      ['SCRIPT_MISSING', 'openingScriptId', 'gone'],
      ['SCRIPT_DISABLED', 'goodbyeScriptId', 'off'],
      ['SCRIPT_MISSING', 'followOns.open', 'gone'],
    ]);
  });

  it('names what transfers when the campaign sets no transferTarget', () => {
    const c = campaign({});
    delete c.transferTarget;
    const [warning, ...rest] = publishWarnings(c, [script('open', 'hi')]);
    expect(rest).toEqual([]);
    // DESIGN §3: ready_to_buy, ask_human and complaint transfer; N fallbacks in a row transfer by default.
    expect(warning).toMatchObject({
      code: 'TRANSFER_TARGET_MISSING',
      field: 'transferTarget',
      transfers: ['ready_to_buy', 'ask_human', 'complaint', 'fallbackEscalation'],
    });
    // A stage's transfer counts; a campaign that never transfers needs no target.
    const quiet = { ...c, fallbackEscalation: 'hangup' as const };
    quiet.routes = Object.fromEntries(
      Object.entries(c.routes).map(([intent, rule]) => [intent, { ...rule, action: 'continue' as const, byStage: {} }]),
    );
    expect(publishWarnings(quiet, [])).toEqual([]);
    quiet.routes.affirm = {
      route: 'script',
      action: 'continue',
      byStage: { hot: { route: 'script', action: 'transfer' } },
    };
    expect(publishWarnings(quiet, [])).toEqual([expect.objectContaining({ transfers: ['affirm'] })]);
  });

  it('one warning per unknown slot, with its scripts; built-ins, blank values and language slots count', () => {
    const c = campaign({ slots: { blank: '  ' }, slotsByLanguage: { en: { product_name: 'filter' } } });
    const warnings = publishWarnings(c, [
      script('a', '{price} {callback_time} {customer_name}'),
      script('b', '{price} {product_name} {blank}'),
    ]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_SLOT', slot: 'price', scriptIds: ['a', 'b'], count: 2 }),
      expect.objectContaining({ code: 'UNKNOWN_SLOT', slot: 'blank', scriptIds: ['b'], count: 1 }),
    ]);
  });
});

describe('rolledBackDraftWarning', () => {
  const v = (version: number, draftRev: number): VersionMeta => ({
    version,
    draftRev,
    count: 2,
    publishedAt: '2026-01-01T00:00:00.000Z',
    publishedBy: 'test',
  });

  it('warns when a publish repeats the draft of a version a rollback took out of service', () => {
    // v1 (rev 2), v2 (rev 3), rollback to 1, publish with no edit: v3 is rev 3 again.
    const w = rolledBackDraftWarning(v(3, 3), 1, [v(1, 2), v(2, 3), v(3, 3)]);
    expect(w).toMatchObject({ code: 'ROLLED_BACK_DRAFT', version: 2 });
    expect(w?.message).toContain('rollback to version 1');
  });

  it('says nothing after an edit, in a plain publish sequence, or when the content is what was live', () => {
    expect(rolledBackDraftWarning(v(3, 4), 1, [v(1, 2), v(2, 3), v(3, 4)])).toBeUndefined();
    expect(rolledBackDraftWarning(v(3, 3), 2, [v(1, 2), v(2, 3), v(3, 3)])).toBeUndefined();
    expect(rolledBackDraftWarning(v(3, 2), 1, [v(1, 2), v(2, 2), v(3, 2)])).toBeUndefined();
  });
});

// Scenario: a busy customer names a time → goodbye + hangup, and a delayed BullMQ job POSTs the
// callback to the dialer webhook at that time, signed with HMAC, retried after a failure, and
// never delivered twice. Real gateway + real worker + a local webhook receiver.
import { createHmac } from 'node:crypto';
import { callbackStackForSuite } from './support/suite.js';
import { Chat, createLanguageCampaign, type Lang } from './support/dialogue.js';

const SECRET = 'dialer-test-secret';
const LINES: Record<Lang, string> = { zh: '在开会，两秒后再打', en: "I'm busy right now, call back in 2 seconds" };

describe('busy: callback fires to the dialer webhook', () => {
  const { gw, dialer } = callbackStackForSuite('dlg-callback', { DIALER_WEBHOOK_SECRET: SECRET });

  it.each(['zh', 'en'] as const)('%s', async (lang) => {
    dialer.calls.length = 0;
    // The first delivery fails: BullMQ retries with backoff, and the retry succeeds.
    dialer.answer(503, 200);
    const campaignId = await createLanguageCampaign(gw.url, lang);
    const chat = new Chat(gw.url);
    const phone = lang === 'zh' ? '13912345678' : '+1 415 555 0100';
    const { conversationId } = await chat.start({ campaignId, customer: { name: 'Lin', phone } });

    const before = Date.now();
    const turn = await chat.say(conversationId, LINES[lang]);
    expect(turn.intent.name).toBe('busy_call_later');
    expect(turn).toMatchObject({ action: 'hangup', leadStage: 'closed', actionDetail: { reason: 'busy_call_later' } });
    expect(turn.reply.scriptId).toMatch(new RegExp(`^${lang}-`));

    const [failed, delivered] = await dialer.waitFor(2);
    // Not before the requested time (2 s), and the retry came later still.
    expect(failed.at - before).toBeGreaterThanOrEqual(1500);
    expect(delivered.at).toBeGreaterThan(failed.at);

    const body = JSON.parse(delivered.body);
    expect(body).toMatchObject({
      event: 'callback.due',
      conversationId,
      campaignId,
      phone: lang === 'zh' ? '+8613912345678' : '+14155550100',
      customerName: 'Lin',
      reason: 'busy_call_later',
      turn: 1,
      // The sample campaign's zone, which the words were read in.
      timeZone: 'Asia/Shanghai',
    });
    expect(Date.parse(body.dueAt) - before).toBeGreaterThanOrEqual(1500);
    const ts = String(delivered.headers['x-huashu-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${delivered.body}`).digest('hex')}`;
    expect(delivered.headers['x-huashu-signature']).toBe(expected);
    expect(delivered.headers['idempotency-key']).toBe(body.id);
    expect(failed.headers['idempotency-key']).toBe(body.id);

    // Idempotent: nothing more arrives for this callback.
    await new Promise((r) => setTimeout(r, 1500));
    expect(dialer.calls).toHaveLength(2);
  });
});

import { MetricsRegistry } from '@huashu/common';
import { CallSessionStore, type CallState } from './call-session.store.js';
import { TelephonyService } from './telephony.service.js';
import { TELEPHONY_EVENTS, TELEPHONY_PLATFORMS, type TelephonyPlatform } from './telephony-event.js';
import { FakeCampaigns, telephonyHarness, type TelephonyHarness } from '../../../test/support/telephony-fakes.js';

/** A call store whose next `failSaves` saves fail, as they do while Redis is away. */
class FlakyCallStore extends CallSessionStore {
  failSaves = 0;
  override async save(platform: TelephonyPlatform, callId: string, state: CallState): Promise<void> {
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      throw new Error('redis away');
    }
    await super.save(platform, callId, state);
  }
}

const P = TELEPHONY_PLATFORMS.GENERIC;
const text = (t: string, final = true) => ({ type: TELEPHONY_EVENTS.USER_TEXT, text: t, final }) as const;

describe('TelephonyService (scripted dialogue, real Redis)', () => {
  let h: TelephonyHarness;
  beforeAll(async () => {
    h = await telephonyHarness('tel-svc', { TURN_DEADLINE_PHONE_MS: '300' });
  });
  afterAll(async () => h.close());

  it('starts a phone conversation with the caller number and returns the greeting in the campaign language', async () => {
    const o = await h.service.startCall(P, 'call-start', { phone: '+8613800000001' });
    expect(o).toMatchObject({ action: 'continue', say: { language: 'zh-CN' }, turn: 0, degraded: false });
    expect(o.say?.text).toContain('您好');
    expect(h.dialogue.starts.at(-1)).toMatchObject({ channel: 'phone', customer: { phone: '+8613800000001' } });
  });

  it('starts a call from a hidden or unusual caller number without a number, saying why in the metadata', async () => {
    for (const [callId, phone, why] of [
      ['call-anon', 'anonymous', 'withheld'],
      ['call-anon-digits', '+266696687', 'withheld'],
      ['call-junk', '12', 'unparseable'],
    ]) {
      const o = await h.service.startCall(P, callId, { phone });
      expect(o).toMatchObject({ action: 'continue', turn: 0, degraded: false });
      const start = h.dialogue.starts.at(-1);
      expect(start?.customer).toBeUndefined();
      expect(start?.metadata).toMatchObject({ callerNumber: why });
    }
  });

  it('gives back the claim of a start that failed, so its retry starts the call', async () => {
    h.dialogue.failStarts = 1;
    await expect(h.service.startCall(P, 'call-start-fails', {})).rejects.toThrow('storage is unavailable');
    const retried = await h.service.startCall(P, 'call-start-fails', {});
    expect(retried).toMatchObject({ action: 'continue', turn: 0 });
    expect(retried.say?.text).toContain('您好');
  });

  it("gives back the claim of an event that failed, so its retry runs instead of getting 'none'", async () => {
    const store = new FlakyCallStore(h.redis, h.config);
    const service = new TelephonyService(h.dialogue, new FakeCampaigns(), store, h.config, new MetricsRegistry('t'));
    await service.startCall(P, 'call-event-fails', {});
    store.failSaves = 1;
    await expect(service.handle(P, 'call-event-fails', text('多少钱'), 'evt-fails')).rejects.toThrow('redis away');
    const retried = await service.handle(P, 'call-event-fails', text('多少钱'), 'evt-fails');
    expect(retried).toMatchObject({ action: 'continue', intent: { name: 'ask_price' } });
  });

  it('answers a retried start with the same conversation, never a second one', async () => {
    const a = await h.service.startCall(P, 'call-retry', {});
    const starts = h.dialogue.starts.length;
    const b = await h.service.startCall(P, 'call-retry', {});
    expect(b.conversationId).toBe(a.conversationId);
    expect(h.dialogue.starts.length).toBe(starts);
  });

  it('hangs up on a do-not-call number without a greeting', async () => {
    h.dialogue.doNotCall.add('+8613900000000');
    const o = await h.service.startCall(P, 'call-dnc', { phone: '+8613900000000' });
    expect(o).toEqual({
      conversationId: '',
      action: 'hangup',
      hangup: { reason: 'do_not_call' },
      degraded: false,
      reprompt: false,
    });
    const next = await h.service.handle(P, 'call-dnc', text('喂'));
    expect(next?.action).toBe('hangup');
  });

  it('maps a turn to reply + action, a transfer with its target, a hangup with its reason', async () => {
    await h.service.startCall(P, 'call-flow', {});
    const price = await h.service.handle(P, 'call-flow', text('多少钱'));
    expect(price).toMatchObject({
      action: 'continue',
      intent: { name: 'ask_price' },
      scriptId: 'price-basic',
      turn: 1,
    });
    const buy = await h.service.handle(P, 'call-flow', text('我要办理'));
    expect(buy).toMatchObject({
      action: 'transfer',
      transfer: { target: 'tel:+8610086', reason: 'hot_lead', summary: 'interested in the 300M plan' },
    });
    await h.service.startCall(P, 'call-bye', {});
    const bye = await h.service.handle(P, 'call-bye', text('以后不要再打了'));
    expect(bye).toMatchObject({ action: 'hangup', hangup: { reason: 'do_not_call' } });
  });

  it('does not answer partials, reprompts on empty speech and unknown DTMF, transfers on DTMF 0', async () => {
    const start = await h.service.startCall(P, 'call-misc', {});
    const turns = h.dialogue.turns.length;
    expect(await h.service.handle(P, 'call-misc', text('多少', false))).toMatchObject({ action: 'none' });
    const empty = await h.service.handle(P, 'call-misc', text('   '));
    // A reprompt is no failure: not degraded.
    expect(empty).toMatchObject({
      action: 'continue',
      reprompt: true,
      degraded: false,
      say: { text: start.say?.text },
    });
    const key5 = await h.service.handle(P, 'call-misc', { type: TELEPHONY_EVENTS.DTMF, digits: '5' });
    expect(key5).toMatchObject({ reprompt: true, degraded: false });
    expect(h.dialogue.turns.length).toBe(turns);
    const key0 = await h.service.handle(P, 'call-misc', { type: TELEPHONY_EVENTS.DTMF, digits: '0' });
    expect(key0).toMatchObject({
      action: 'transfer',
      say: { text: '好的，我为您转接专员，请稍等。' },
      transfer: { target: 'tel:+8610000', reason: 'dtmf_agent_request' },
    });
    expect(h.dialogue.ended.at(-1)).toEqual({ conversationId: start.conversationId, reason: 'dtmf_agent_request' });
  });

  it('reprompts on no-input and hangs up after the third', async () => {
    await h.service.startCall(P, 'call-silent', {});
    for (const n of [1, 2]) {
      expect(await h.service.handle(P, 'call-silent', { type: TELEPHONY_EVENTS.NO_INPUT, count: n })).toMatchObject({
        action: 'continue',
        reprompt: true,
      });
    }
    expect(await h.service.handle(P, 'call-silent', { type: TELEPHONY_EVENTS.NO_INPUT, count: 3 })).toMatchObject({
      action: 'hangup',
      hangup: { reason: 'no_input' },
      say: { text: '好的，感谢您抽出时间接听，再见！' },
      degraded: false,
    });
  });

  it('reopens the conversation after a failed transfer: the apology, then the call goes on', async () => {
    const start = await h.service.startCall(P, 'call-busy-agents', {});
    await h.service.handle(P, 'call-busy-agents', text('我要办理'));
    const failed = await h.service.handle(P, 'call-busy-agents', {
      type: TELEPHONY_EVENTS.TRANSFER_RESULT,
      status: 'failed',
      reason: 'busy',
    });
    expect(failed).toMatchObject({
      action: 'continue',
      say: { text: '抱歉，人工客服现在都在忙。您可以继续跟我聊。' },
      degraded: false,
      reprompt: false,
    });
    expect(h.dialogue.reopened.at(-1)).toEqual({ conversationId: start.conversationId, reason: 'transfer_failed' });
    expect(await h.service.handle(P, 'call-busy-agents', text('多少钱'))).toMatchObject({
      action: 'continue',
      intent: { name: 'ask_price' },
    });
    // A second report of the same failure finds no transfer pending: nothing is reopened again.
    const reopened = h.dialogue.reopened.length;
    expect(
      await h.service.handle(P, 'call-busy-agents', { type: TELEPHONY_EVENTS.TRANSFER_RESULT, status: 'failed' }),
    ).toMatchObject({ action: 'none' });
    expect(h.dialogue.reopened.length).toBe(reopened);
  });

  it('runs one turn for a duplicate event id and replays its outcome', async () => {
    await h.service.startCall(P, 'call-dup', {});
    const before = h.dialogue.turns.length;
    const [a, b] = await Promise.all([
      h.service.handle(P, 'call-dup', text('多少钱'), 'evt-1'),
      h.service.handle(P, 'call-dup', text('多少钱'), 'evt-1'),
    ]);
    expect(h.dialogue.turns.length).toBe(before + 1);
    expect(b).toEqual(a);
    const c = await h.service.handle(P, 'call-dup', text('多少钱'), 'evt-1');
    expect(c).toEqual(a);
  });

  it('cancels the in-flight turn on barge-in and keeps what was heard', async () => {
    await h.service.startCall(P, 'call-barge', {});
    h.dialogue.delayMs = 200;
    try {
      const pending = h.service.handle(P, 'call-barge', text('介绍一下'));
      await new Promise((r) => setTimeout(r, 30));
      const barge = await h.service.handle(P, 'call-barge', { type: TELEPHONY_EVENTS.BARGE_IN, heard: '您好，我是' });
      expect(barge).toMatchObject({ action: 'none' });
      expect(await pending).toMatchObject({ action: 'none', degraded: true });
      expect((await h.service.call(P, 'call-barge'))?.heard).toBe('您好，我是');
      expect(h.bargeIns.notes.at(-1)).toEqual({ conversationId: expect.any(String), heard: '您好，我是' });
    } finally {
      h.dialogue.delayMs = 0;
    }
  });

  it('repeats the last prompt (degraded) when the dialogue misses the phone deadline', async () => {
    const start = await h.service.startCall(P, 'call-slow', {});
    h.dialogue.delayMs = 2000;
    try {
      const t0 = Date.now();
      const o = await h.service.handle(P, 'call-slow', text('介绍一下'));
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(o).toMatchObject({
        action: 'continue',
        degraded: true,
        reprompt: true,
        error: 'deadline',
        say: { text: start.say?.text },
      });
    } finally {
      h.dialogue.delayMs = 0;
    }
  });

  describe('streamed turns (onSay)', () => {
    beforeEach(() => {
      h.dialogue.streamParts = true;
    });
    afterEach(() => {
      h.dialogue.streamParts = false;
      h.dialogue.delayMs = 0;
    });

    it('hands each approved part to onSay before the turn ends; the outcome says it was streamed', async () => {
      await h.service.startCall(P, 'call-stream', {});
      h.dialogue.delayMs = 100;
      const log: string[] = [];
      const o = await h.service.handle(P, 'call-stream', text('多少钱'), undefined, (say) =>
        log.push(`${say.language} ${say.text}`),
      );
      log.push('outcome');
      expect(log).toEqual(['zh-CN 300兆套餐每月99元。', 'zh-CN 首年还送路由器！', 'outcome']);
      expect(o).toMatchObject({
        action: 'continue',
        streamed: true,
        say: { text: '300兆套餐每月99元。首年还送路由器！' },
        degraded: false,
      });
      expect((await h.service.call(P, 'call-stream'))?.lastSay).toBe('300兆套餐每月99元。首年还送路由器！');
    });

    it('stops sending parts on barge-in', async () => {
      await h.service.startCall(P, 'call-stream-barge', {});
      h.dialogue.delayMs = 300;
      const said: string[] = [];
      let first!: () => void;
      const firstSaid = new Promise<void>((r) => (first = r));
      const pending = h.service.handle(P, 'call-stream-barge', text('多少钱'), undefined, (say) => {
        said.push(say.text);
        first();
      });
      await firstSaid;
      const barge = await h.service.handle(P, 'call-stream-barge', { type: TELEPHONY_EVENTS.BARGE_IN, heard: '300兆' });
      expect(barge).toMatchObject({ action: 'none' });
      expect(await pending).toMatchObject({ action: 'none' });
      expect(said).toEqual(['300兆套餐每月99元。']);
    });

    it('closes a partly sent reply instead of repeating the last prompt when the deadline passes', async () => {
      await h.service.startCall(P, 'call-stream-late', {});
      h.dialogue.delayMs = 2000;
      const said: string[] = [];
      const o = await h.service.handle(P, 'call-stream-late', text('多少钱'), undefined, (say) => said.push(say.text));
      expect(said).toEqual(['300兆套餐每月99元。']);
      expect(o).toMatchObject({
        action: 'continue',
        streamed: true,
        error: 'deadline',
        reprompt: false,
        say: { text: '300兆套餐每月99元。' },
      });
    });
  });

  it('returns undefined for a call it never started and ends calls idempotently', async () => {
    expect(await h.service.handle(P, 'nope', text('hi'))).toBeUndefined();
    const s = await h.service.startCall(P, 'call-end', {});
    expect(await h.service.endCall(P, 'call-end', 'caller_hangup')).toBe(true);
    expect(await h.service.endCall(P, 'call-end', 'caller_hangup')).toBe(true);
    expect(h.dialogue.ended.filter((e) => e.conversationId === s.conversationId)).toHaveLength(1);
  });
});

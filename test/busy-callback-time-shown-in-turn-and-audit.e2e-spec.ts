// Scenario: a busy customer names a time → the TurnResult's actionDetail.callback and the audit
// record's effects.callback say when the callback is due and which words set it, and the dialer
// webhook receives exactly that dueAt. Times of day are read in the campaign's timeZone, not the
// process's. Real gateway + real worker + real Redis + a local webhook receiver.
import { getQueueToken } from '@nestjs/bullmq';
import request from 'supertest';
import type { Queue } from 'bullmq';
import { DIALOGUE_QUEUES } from '@huashu/dialogue';
import { jobId } from '@huashu/redis';
import { callbackStackForSuite } from './support/suite.js';
import { Chat, createLanguageCampaign, tomorrowIn, wallHour } from './support/dialogue.js';

describe('busy: the callback time is in the turn result, the audit and the webhook', () => {
  const { gw, dialer } = callbackStackForSuite('dlg-callback-time');
  let queue: Queue;
  beforeAll(() => {
    queue = gw.app.get<Queue>(getQueueToken(DIALOGUE_QUEUES.callbacks));
  });

  it('过两秒再打: actionDetail.callback = effects.callback, delivered with that dueAt', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh', 'cb-zh', { timeZone: 'Asia/Shanghai' });
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { name: 'Lin', phone: '13912345678' } });

    const before = Date.now();
    const turn = await chat.say(conversationId, '我在开会，过两秒再打');
    const after = Date.now();
    expect(turn.intent.name).toBe('busy_call_later');
    expect(turn).toMatchObject({
      action: 'hangup',
      actionDetail: { reason: 'busy_call_later', callback: { requested: '过两秒', dueAt: expect.any(String) } },
    });
    const callback = turn.actionDetail!.callback!;
    expect(Date.parse(callback.dueAt)).toBeGreaterThanOrEqual(before + 2000);
    expect(Date.parse(callback.dueAt)).toBeLessThanOrEqual(after + 2000);

    const [record] = await chat.audit(conversationId);
    expect(record.effects).toEqual({ callback });

    const [delivered] = await dialer.waitFor(1);
    const body = JSON.parse(delivered.body);
    expect(body).toMatchObject({ event: 'callback.due', conversationId, phone: '+8613912345678' });
    expect(body.dueAt).toBe(callback.dueAt);
    expect(body.requested).toBe('过两秒');
    expect(delivered.at).toBeGreaterThanOrEqual(Date.parse(callback.dueAt) - 50);
  });

  it.each([
    ['zh', 'Asia/Shanghai', '我现在很忙，明天下午再打吧', '明天下午', '15'],
    ['en', 'America/New_York', "I'm busy, call me tomorrow at 3", 'tomorrow at 3', '15'],
  ] as const)(
    '%s campaign in %s: "%s" ("%s") is tomorrow %s:00 there, scheduled for that dueAt',
    async (lang, timeZone, text, requested, hour) => {
      const campaignId = await createLanguageCampaign(gw.url, lang, `cb-${lang}-tz`, { timeZone });
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({
        campaignId,
        customer: { phone: lang === 'zh' ? '13912345678' : '+1 415 555 0100' },
      });
      const turn = await chat.say(conversationId, text);
      expect(turn.intent.name).toBe('busy_call_later');
      const callback = turn.actionDetail?.callback;
      expect(callback).toEqual({ dueAt: expect.any(String), timeZone, requested, scheduled: true });
      expect(wallHour(callback!.dueAt, timeZone)).toBe(`${tomorrowIn(timeZone)} ${hour}`);
      const [record] = await chat.audit(conversationId);
      expect(record.effects.callback).toEqual(callback);

      // The delayed job waits for exactly that time.
      const job = await queue.getJob(jobId('callback', conversationId, 1));
      expect(job?.data).toMatchObject({ conversationId, dueAt: callback!.dueAt, requested });
      expect(job!.timestamp + (job!.delay ?? 0)).toBeGreaterThanOrEqual(Date.parse(callback!.dueAt) - 1000);
      expect(job!.timestamp + (job!.delay ?? 0)).toBeLessThanOrEqual(Date.parse(callback!.dueAt) + 1000);
      await job!.remove();
    },
  );

  it('a phone call through the generic events route hangs up with the callback in its answer', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'zh', 'cb-zh-phone', { timeZone: 'Asia/Shanghai' });
    const post = (body: object) => request(gw.url).post('/v1/telephony/events').send(body);
    const start = await post({ callId: 'cb-call-1', event: { type: 'start', campaignId, phone: '13912345679' } });
    expect(start.status).toBe(200);
    const busy = await post({
      callId: 'cb-call-1',
      eventId: 'e1',
      event: { type: 'user_text', text: '我现在很忙，明天下午再打吧' },
    });
    expect(busy.body).toMatchObject({
      action: 'hangup',
      hangup: {
        reason: 'busy_call_later',
        callback: { dueAt: expect.any(String), timeZone: 'Asia/Shanghai', requested: '明天下午' },
      },
    });
    const { dueAt } = (busy.body.hangup as { callback: { dueAt: string } }).callback;
    expect(wallHour(dueAt, 'Asia/Shanghai')).toBe(`${tomorrowIn('Asia/Shanghai')} 15`);
    const job = await queue.getJob(jobId('callback', busy.body.conversationId as string, 1));
    expect(job?.data).toMatchObject({ dueAt });
    await job!.remove();
  });

  it.each([
    ['zh', '三点再打给我吧', '三点'],
    ['zh', '明早九点半打给我吧', '明早九点半'],
    ['en', 'could you ring me on friday afternoon', 'on friday afternoon'],
  ] as const)(
    '%s: a callback asked for by its time alone ("%s") is busy_call_later, not out_of_scope',
    async (lang, text, requested) => {
      const campaignId = await createLanguageCampaign(gw.url, lang, `cb-${lang}-ask`, { timeZone: 'Asia/Shanghai' });
      const chat = new Chat(gw.url);
      const { conversationId } = await chat.start({ campaignId });
      const turn = await chat.say(conversationId, text);
      expect(turn).toMatchObject({
        intent: { name: 'busy_call_later' },
        action: 'hangup',
        actionDetail: { reason: 'busy_call_later', callback: { requested } },
      });
      const [record] = await chat.audit(conversationId);
      expect(record.intent).toMatchObject({ name: 'busy_call_later', source: 'callback-request' });
      await (await queue.getJob(jobId('callback', conversationId, 1)))?.remove();
    },
  );

  it('a conversation without a phone still gets its callback, without a phone field', async () => {
    const campaignId = await createLanguageCampaign(gw.url, 'en', 'cb-en-nophone');
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    dialer.calls.length = 0;
    const turn = await chat.say(conversationId, "I'm busy right now, call back in 2 seconds");
    // The time zone the words were read in: the one this campaign took from the defaults
    // (data/campaigns/default/campaign.json), whatever the process's clock says.
    expect(turn.actionDetail?.callback).toEqual({
      dueAt: expect.any(String),
      timeZone: 'Asia/Shanghai',
      requested: 'in 2 seconds',
      scheduled: true,
    });
    const [delivered] = await dialer.waitFor(1);
    const body = JSON.parse(delivered.body);
    expect(body).toMatchObject({ conversationId, dueAt: turn.actionDetail!.callback!.dueAt });
    expect(body).not.toHaveProperty('phone');
  });
});

// Scenario (a compliance breach found against `npm start`): a busy caller asks to be called back, then, in
// another call, asks never to be called again. Listing the number removes its pending callback jobs for the
// campaign (found by the number's pending index, not a scan of the queue), and the worker reads the list
// right before each delivery, so a number listed by any other path is never called back either; a dropped
// callback is logged and counted. A callback is never scheduled in the turn that lists the number, nor for a
// number listed by another conversation while this one went on. Real gateway + real BullMQ worker + real
// Redis + a local dialer webhook receiver.
import { getQueueToken } from '@nestjs/bullmq';
import request from 'supertest';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DIALOGUE_KEYS, DIALOGUE_QUEUES, phoneDigest } from '@huashu/dialogue';
import { jobId, REDIS } from '@huashu/redis';
import { callbackStackForSuite } from './support/suite.js';
import { Chat, createLanguageCampaign, expectListedAndRefused, type Lang } from './support/dialogue.js';
import { eventually } from './support/eventually.js';

const LINES: Record<Lang, { busy: (s: number) => string; dnc: string; phone: string; e164: string }> = {
  zh: {
    busy: (s) => `我在开会，${s}秒后再打给我`,
    dnc: '以后别给我打电话了',
    phone: '13800138061',
    e164: '+8613800138061',
  },
  en: {
    busy: (s) => `I'm busy right now, call back in ${s} seconds`,
    dnc: 'please stop calling me, take me off your list',
    phone: '(415) 555-0161',
    e164: '+14155550161',
  },
};

describe('do-not-call cancels the pending callbacks of the number', () => {
  const { gw, worker, dialer } = callbackStackForSuite('dnc-callbacks', {}, { listen: true });
  let queue: Queue;
  beforeAll(() => {
    queue = gw.app.get<Queue>(getQueueToken(DIALOGUE_QUEUES.callbacks));
  });

  const busyTurn = async (chat: Chat, conversationId: string, lang: Lang, seconds: number) => {
    const turn = await chat.say(conversationId, LINES[lang].busy(seconds));
    expect(turn).toMatchObject({ intent: { name: 'busy_call_later' }, action: 'hangup' });
    return turn;
  };
  const sentFor = (conversationId: string) =>
    dialer.calls.filter((c) => (JSON.parse(c.body) as { conversationId: string }).conversationId === conversationId);

  it.each(['zh', 'en'] as const)('%s: listing the number removes its pending callback job', async (lang) => {
    const { phone, e164, dnc } = LINES[lang];
    const campaignId = await createLanguageCampaign(gw.url, lang, `dnc-cb-${lang}`);
    const chat = new Chat(gw.url);
    const a = await chat.start({ campaignId, customer: { phone } });
    // Due well after the listing, even when a loaded machine makes both turns slow.
    const busy = await busyTurn(chat, a.conversationId, lang, 12);
    expect(busy.actionDetail?.callback).toMatchObject({ scheduled: true });
    const id = jobId('callback', a.conversationId, 1);
    expect(await queue.getJob(id)).toBeDefined();

    const b = await chat.start({ campaignId, customer: { phone } });
    const listed = await chat.say(b.conversationId, dnc);
    await expectListedAndRefused(gw.url, listed, campaignId, phone);
    // Gone from the queue at once, and from the number's pending index.
    expect(await queue.getJob(id)).toBeUndefined();
    const redis = gw.app.get<Redis>(REDIS);
    expect(await redis.exists(DIALOGUE_KEYS.pendingCallbacks(campaignId, phoneDigest(e164)))).toBe(0);

    // Past the time it was due (and a retry's backoff), the dialer has heard nothing of it.
    await new Promise((r) =>
      setTimeout(r, Math.max(0, Date.parse(busy.actionDetail!.callback!.dueAt) - Date.now()) + 2000),
    );
    expect(sentFor(a.conversationId)).toEqual([]);
    const metrics = (await request(gw.url).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^huashu_dialogue_callbacks_dropped_total\{[^}]*stage="listing"[^}]*\} [1-9]/m);
  });

  it.each(['zh', 'en'] as const)(
    '%s: a number listed by another path is dropped by the worker right before delivery',
    async (lang) => {
      const { phone, e164 } = LINES[lang];
      const campaignId = await createLanguageCampaign(gw.url, lang, `dnc-cb-worker-${lang}`);
      const chat = new Chat(gw.url);
      const a = await chat.start({ campaignId, customer: { phone } });
      const busy = await busyTurn(chat, a.conversationId, lang, 5);
      const id = jobId('callback', a.conversationId, 1);
      // Listed without the dialogue (an operator's import, another service): the job stays in the queue.
      await gw.app.get<Redis>(REDIS).sadd(DIALOGUE_KEYS.doNotCall(campaignId), phoneDigest(e164));

      // The job runs when due and completes without a POST: dropped.
      await eventually(async () => {
        const job = await queue.getJob(id);
        expect(await job?.getState()).toBe('completed');
        expect(job?.returnvalue).toBe('dropped-do-not-call');
        expect(job!.finishedOn).toBeGreaterThanOrEqual(Date.parse(busy.actionDetail!.callback!.dueAt) - 50);
      }, 15_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(sentFor(a.conversationId)).toEqual([]);
      const metrics = (await request(worker.url).get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/^huashu_dialogue_callbacks_dropped_total\{[^}]*stage="delivery"[^}]*\} [1-9]/m);
    },
  );

  it.each([
    ['zh', '我在开会，以后别再给我打电话了'],
    ['en', "I'm busy, and please stop calling me, take me off your list"],
  ] as const)('%s: "%s" lists the number and schedules no callback (never both)', async (lang, text) => {
    const campaignId = await createLanguageCampaign(gw.url, lang, `dnc-cb-same-${lang}`);
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId, customer: { phone: LINES[lang].phone } });
    const turn = await chat.say(conversationId, text);
    await expectListedAndRefused(gw.url, turn, campaignId, LINES[lang].phone);
    expect(turn.actionDetail?.callback).toBeUndefined();
    expect(await queue.getJob(jobId('callback', conversationId, 1))).toBeUndefined();
  });

  it.each(['zh', 'en'] as const)(
    '%s: a call still going on when another call listed its number schedules no callback',
    async (lang) => {
      const { phone, dnc } = LINES[lang];
      const campaignId = await createLanguageCampaign(gw.url, lang, `dnc-cb-during-${lang}`);
      const chat = new Chat(gw.url);
      const a = await chat.start({ campaignId, customer: { phone } });
      const b = await chat.start({ campaignId, customer: { phone } });
      await expectListedAndRefused(gw.url, await chat.say(b.conversationId, dnc), campaignId, phone);

      const busy = await busyTurn(chat, a.conversationId, lang, 2);
      expect(busy.actionDetail?.callback).toMatchObject({
        scheduled: false,
        notScheduledReason: 'the number is on the do-not-call list',
      });
      expect(await queue.getJob(jobId('callback', a.conversationId, 1))).toBeUndefined();
    },
  );
});

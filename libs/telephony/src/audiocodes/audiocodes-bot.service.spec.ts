import { readFileSync } from 'node:fs';
import { AudioCodesBotService } from './audiocodes-bot.service.js';
import { telephonyHarness, withPlaceholders, type TelephonyHarness } from '../../../../test/support/telephony-fakes.js';

interface HttpStep {
  op: 'create' | 'activities' | 'refresh' | 'disconnect';
  retryOf?: number;
  request: unknown;
  response: unknown;
}
const fixture = <T>(name: string): T =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/telephony/audiocodes/${name}`, import.meta.url), 'utf8'),
  ) as T;

describe('AudioCodes Bot API adapter (golden fixtures, scripted dialogue)', () => {
  let h: TelephonyHarness;
  let bot: AudioCodesBotService;
  beforeAll(async () => {
    h = await telephonyHarness('tel-ac');
    bot = new AudioCodesBotService(h.service, h.config);
  });
  afterAll(async () => h.close());

  const run = async (step: HttpStep, conversation: string) => {
    switch (step.op) {
      case 'create':
        return bot.create(step.request, undefined);
      case 'activities':
        return bot.activities(conversation, step.request);
      case 'refresh':
        return bot.refresh(conversation, step.request);
      case 'disconnect':
        return bot.disconnect(conversation, step.request);
    }
  };

  it.each(['interest-price-transfer.json', 'do-not-call-hangup.json'])('HTTP mode %s', async (name) => {
    const f = fixture<{ conversation: string; steps: HttpStep[] }>(name);
    for (const [i, step] of f.steps.entries()) {
      const turnsBefore = h.dialogue.turns.length;
      const actual = await run(step, f.conversation);
      expect({ step: i, body: withPlaceholders(actual, step.response) }).toEqual({ step: i, body: step.response });
      if (step.retryOf !== undefined) expect(h.dialogue.turns.length).toBe(turnsBefore);
    }
    expect(h.dialogue.ended.at(-1)?.reason).toMatch(/hot_lead|transferred|do_not_call|bot-disconnected/);
  });

  it('streaming mode frames', async () => {
    const f = fixture<{ frames: { in: unknown; out: unknown[]; close?: boolean }[] }>('streaming-session.json');
    const session: { conversationId?: string } = {};
    for (const frame of f.frames) {
      const { send, close } = await bot.wsFrame(frame.in, session);
      expect(withPlaceholders(send, frame.out)).toEqual(frame.out);
      expect(Boolean(close)).toBe(Boolean(frame.close));
    }
  });

  it('streaming mode pushes each approved script as its own activities frame before the answer', async () => {
    const session: { conversationId?: string } = {};
    const conversationId = '5f5e5d5c-0000-4000-8000-00000000beef';
    await bot.wsFrame({ type: 'session.initiate', conversationId, caller: '+8613600000009' }, session);
    const act = (id: string, a: Record<string, unknown>) => ({
      type: 'activities',
      conversationId,
      activities: [{ id, timestamp: '2026-11-29T10:00:00.000Z', ...a }],
    });
    await bot.wsFrame(act('s-1', { type: 'event', name: 'start' }), session);
    h.dialogue.streamParts = true;
    try {
      const pushed: Record<string, unknown>[] = [];
      const { send } = await bot.wsFrame(act('m-1', { type: 'message', text: '多少钱' }), session, (f) =>
        pushed.push(f),
      );
      const texts = pushed.map((f) => (f.activities as { type: string; text: string }[])[0]);
      expect(texts).toEqual([
        expect.objectContaining({ type: 'message', text: '300兆套餐每月99元。' }),
        expect.objectContaining({ type: 'message', text: '首年还送路由器！' }),
      ]);
      // The message was already sent piece by piece: the answer carries no second copy.
      expect(send).toEqual([]);
      // A retried delivery of the same activity gets the whole reply (it saw none of the pieces).
      const retry = await bot.wsFrame(act('m-1', { type: 'message', text: '多少钱' }), session);
      expect(retry.send).toEqual([
        {
          type: 'activities',
          activities: [expect.objectContaining({ type: 'message', text: '300兆套餐每月99元。首年还送路由器！' })],
        },
      ]);
    } finally {
      h.dialogue.streamParts = false;
    }
  });

  it('refuses audio streaming and unknown conversations', async () => {
    const audio = await bot.wsFrame({ type: 'session.initiate', conversationId: 'x', expectAudioMessages: true }, {});
    expect(audio).toMatchObject({ send: [{ type: 'session.error' }], close: true });
    const resume = await bot.wsFrame({ type: 'session.resume', conversationId: 'never-seen' }, {});
    expect(resume).toMatchObject({ send: [{ type: 'session.error', reason: 'conversation not found' }], close: true });
    await expect(bot.activities('never-seen', { activities: [] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bot.refresh('never-seen', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bot.disconnect('never-seen', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    ['no activities array', { conversation: 'c' }],
    ['activity without type', { activities: [{ id: '1', text: 'hi' }] }],
    ['wrong-typed text', { activities: [{ id: '1', type: 'message', text: 42 }] }],
    [
      'too many activities',
      { activities: Array.from({ length: 51 }, (_, i) => ({ id: String(i), type: 'message', text: 'x' })) },
    ],
    ['not an object', 'hello'],
  ])('rejects %s with VALIDATION_FAILED', async (_label, body) => {
    await bot.create({ conversation: 'bad-input' }, undefined);
    await expect(bot.activities('bad-input', body)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

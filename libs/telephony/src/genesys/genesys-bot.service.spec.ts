import { readFileSync } from 'node:fs';
import { GenesysBotService } from './genesys-bot.service.js';
import { telephonyHarness, withPlaceholders, type TelephonyHarness } from '../../../../test/support/telephony-fakes.js';

interface Step {
  op: 'bots' | 'bot' | 'message';
  botId?: string;
  retryOf?: number;
  request?: unknown;
  response: unknown;
}
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/telephony/genesys/${name}`, import.meta.url), 'utf8')) as {
    steps: Step[];
  };

describe('Genesys Digital Bot Connector adapter (golden, scripted dialogue)', () => {
  let h: TelephonyHarness;
  let bot: GenesysBotService;
  beforeAll(async () => {
    h = await telephonyHarness('tel-gen');
    bot = new GenesysBotService(h.service);
  });
  afterAll(async () => h.close());

  it.each(['interest-price-transfer.json', 'do-not-call-hangup.json'])('%s', async (name) => {
    for (const [i, step] of fixture(name).steps.entries()) {
      const turns = h.dialogue.turns.length;
      const actual =
        step.op === 'bots'
          ? await bot.listBots()
          : step.op === 'bot'
            ? await bot.getBot(step.botId ?? '')
            : await bot.message(step.request);
      expect({ i, body: withPlaceholders(actual, step.response) }).toEqual({ i, body: step.response });
      if (step.retryOf !== undefined) expect(h.dialogue.turns.length).toBe(turns);
      if (step.op === 'message') {
        // parameters are strings only, botState in the spec's exact casing
        const r = actual as { botState: string; parameters?: Record<string, unknown> };
        expect(['MoreData', 'Complete', 'Failed']).toContain(r.botState);
        for (const v of Object.values(r.parameters ?? {})) expect(typeof v).toBe('string');
      }
    }
  });

  it('answers 200 Failed (not 5xx) when the dialogue breaks, 404 for an unknown bot id, 400 for bad input', async () => {
    const base = {
      botId: 'default',
      botSessionId: 's-broken',
      messageId: 'm1',
      inputMessage: { type: 'Text', text: 'hi' },
    };
    await bot.message(base);
    h.dialogue.turn = () => Promise.reject(new Error('pipeline exploded'));
    try {
      await expect(bot.message({ ...base, messageId: 'm2' })).resolves.toMatchObject({
        botState: 'Failed',
        errorInfo: { errorCode: expect.any(String) },
      });
    } finally {
      // restore the prototype method
      delete (h.dialogue as { turn?: unknown }).turn;
    }
    await expect(bot.getBot('no-such-bot')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bot.message({ ...base, inputMessage: { type: 'Voice', text: 'x' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(bot.message({ ...base, parameters: { n: 5 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('botSessionTimeout: the bot session lapses that many minutes after it started, then a new conversation starts', async () => {
    const msg = (messageId: string, text: string) => ({
      botId: 'default',
      botSessionId: 's-timeout',
      messageId,
      inputMessage: { type: 'Text', text },
      botSessionTimeout: 2,
    });
    await bot.message(msg('m1', 'hello'));
    const keys = ['telephony:call:genesys:s-timeout', 'telephony:dedup:genesys:s-timeout:start'];
    for (const key of keys) {
      const ttl = await h.redis.ttl(key);
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    }
    const first = (await h.service.call('genesys', 's-timeout'))!.conversationId;
    // It limits the whole session, not the idle time: a later message keeps the deadline the first
    // one fixed (here moved to 30 s from now) instead of granting another two minutes.
    const state = (await h.service.call('genesys', 's-timeout'))!;
    await h.redis.set(keys[0], JSON.stringify({ ...state, expiresAt: Date.now() + 30_000 }), 'EX', 3600);
    await bot.message(msg('m1b', 'how much is it'));
    for (const key of keys) {
      const ttl = await h.redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
    }
    expect((await h.service.call('genesys', 's-timeout'))!.conversationId).toBe(first);
    // Nor does any other save of the call's state, a keep-alive included.
    await h.service.touch('genesys', 's-timeout');
    expect(await h.redis.ttl(keys[0])).toBeLessThanOrEqual(30);
    // The timeout passes (the key lapses): the next message greets and answers in a new conversation.
    await h.redis.del(...keys);
    const starts = h.dialogue.starts.length;
    await bot.message(msg('m2', 'hello again'));
    expect(h.dialogue.starts.length).toBe(starts + 1);
    expect((await h.service.call('genesys', 's-timeout'))!.conversationId).not.toBe(first);
  });
});

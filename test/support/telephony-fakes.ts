import { HuashuException, MetricsRegistry } from '@huashu/common';
import { loadConfig, type AppConfig } from '@huashu/config';
import {
  joinParts,
  type DialoguePort,
  type ReplyPart,
  type StartConversation,
  type StartedConversation,
  type TurnResult,
  type TurnStreamEvent,
} from '@huashu/dialogue';
import { splitSentences } from '@huashu/generator';
import { createRedis, waitReady, type RedisClient } from '@huashu/redis';
import { CallSessionStore, TelephonyService, type CampaignLookup } from '@huashu/telephony';
import { testEnv } from './boot.js';
import { deletePrefix } from './redis-prefix.js';

/**
 * A small explicit DialoguePort for the telephony unit and golden specs (allowed by the brief
 * until/besides the real DialogueModule e2e): deterministic replies keyed on the caller's words.
 */
export class ScriptedDialogue implements DialoguePort {
  readonly starts: StartConversation[] = [];
  readonly turns: { conversationId: string; text: string }[] = [];
  readonly ended: { conversationId: string; reason: string }[] = [];
  /** Milliseconds a turn takes (honours the abort signal). */
  delayMs = 0;
  /**
   * turnStream: send the reply's sentences as parts (the generator route's shape), the first at
   * once and the rest `delayMs` later; an abort in between records only the first.
   */
  streamParts = false;
  doNotCall = new Set<string>();
  private seq = 0;
  private readonly turnNo = new Map<string, number>();

  /** Starts still to fail (as a Redis outage would), before they succeed again. */
  failStarts = 0;

  start(req: StartConversation): Promise<StartedConversation> {
    this.starts.push(req);
    if (this.failStarts > 0) {
      this.failStarts -= 1;
      return Promise.reject(new Error('storage is unavailable'));
    }
    if (req.customer?.phone && this.doNotCall.has(req.customer.phone)) {
      return Promise.reject(new HuashuException('DO_NOT_CALL', 'number is on the do-not-call list'));
    }
    const conversationId = `c_test${++this.seq}`;
    this.turnNo.set(conversationId, 0);
    return Promise.resolve({
      conversationId,
      reply: this.reply('opening', '您好，我是小王，耽误您一分钟介绍一下我们的宽带优惠可以吗？'),
    });
  }

  async turn(conversationId: string, input: { text: string; signal?: AbortSignal }): Promise<TurnResult> {
    this.turns.push({ conversationId, text: input.text });
    if (!this.turnNo.has(conversationId)) throw new HuashuException('NOT_FOUND', 'conversation not found');
    await this.wait(input.signal);
    return this.answer(conversationId, input.text);
  }

  async *turnStream(
    conversationId: string,
    input: { text: string; signal?: AbortSignal },
  ): AsyncGenerator<TurnStreamEvent> {
    if (!this.streamParts) {
      yield { type: 'result', result: await this.turn(conversationId, input) };
      return;
    }
    this.turns.push({ conversationId, text: input.text });
    if (!this.turnNo.has(conversationId)) throw new HuashuException('NOT_FOUND', 'conversation not found');
    const result = this.answer(conversationId, input.text);
    const parts: ReplyPart[] = splitSentences(result.reply.text).map((text, i) => ({
      text,
      scriptId: `${result.reply.scriptId}-${i + 1}`,
      similarity: 0.95,
    }));
    const sent = parts.slice(0, 1);
    yield { type: 'part', part: parts[0] };
    try {
      await this.wait(input.signal);
      for (const part of parts.slice(1)) {
        sent.push(part);
        yield { type: 'part', part };
      }
    } catch {
      // Barge-in: the turn records what was sent.
    }
    const reply = { ...result.reply, text: joinParts(sent.map((p) => p.text)), parts: sent };
    yield { type: 'result', result: { ...result, reply } };
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    if (this.delayMs <= 0) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, this.delayMs);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new Error('aborted'));
      });
    });
  }

  private answer(conversationId: string, t: string): TurnResult {
    const turn = (this.turnNo.get(conversationId) ?? 0) + 1;
    this.turnNo.set(conversationId, turn);
    if (/不要再打|别再打|do not call|don't call/i.test(t)) {
      return this.result(
        conversationId,
        turn,
        'do_not_call',
        'hangup',
        this.reply('goodbye-dnc', '好的，已为您登记，今后不再打扰，再见。'),
        {
          reason: 'do_not_call',
        },
      );
    }
    if (/办理|买|buy|sign me up/i.test(t)) {
      return this.result(
        conversationId,
        turn,
        'ready_to_buy',
        'transfer',
        this.reply('handoff-closer', '好的，我马上为您转接专属顾问。'),
        {
          reason: 'hot_lead',
          target: 'tel:+8610086',
          summary: 'interested in the 300M plan',
        },
      );
    }
    if (/套餐对比|compare/i.test(t)) {
      // A script with XML/JSON-special characters: adapters must escape, never inject.
      return this.result(
        conversationId,
        turn,
        'ask_product_detail',
        'continue',
        this.reply('compare', 'A&B 套餐对比：A < B，"特惠"价 <Hangup/>'),
      );
    }
    if (/in english/i.test(t)) {
      return this.result(
        conversationId,
        turn,
        'ask_price',
        'continue',
        this.reply('price-basic-en', 'Sure. The 300M plan costs 99 yuan a month.'),
      );
    }
    if (/多少钱|价格|price|how much/i.test(t)) {
      return this.result(
        conversationId,
        turn,
        'ask_price',
        'continue',
        this.reply('price-basic', '300兆套餐每月99元。首年还送路由器！'),
      );
    }
    return this.result(
      conversationId,
      turn,
      'interested',
      'continue',
      this.reply('interest-detail', '我们的套餐包含宽带和电视，您想了解哪一项？'),
    );
  }

  end(conversationId: string, reason: string): Promise<void> {
    this.ended.push({ conversationId, reason });
    return Promise.resolve();
  }

  readonly reopened: { conversationId: string; reason: string }[] = [];

  close(conversationId: string, close: { reason: string; action: 'hangup' | 'transfer' }) {
    this.ended.push({ conversationId, reason: close.reason });
    return Promise.resolve(
      close.action === 'hangup'
        ? this.reply('goodbye', '好的，感谢您抽出时间接听，再见！')
        : this.reply('transfer-generic', '好的，我为您转接专员，请稍等。'),
    );
  }

  reopen(conversationId: string, reason: string) {
    this.reopened.push({ conversationId, reason });
    return Promise.resolve(this.reply('transfer-failed', '抱歉，人工客服现在都在忙。您可以继续跟我聊。'));
  }

  private reply(scriptId: string, text: string) {
    return { text, scriptId, libraryVersion: 1, similarity: 0.95, fallback: false };
  }

  private result(
    conversationId: string,
    turn: number,
    intent: TurnResult['intent']['name'],
    action: TurnResult['action'],
    reply: TurnResult['reply'],
    actionDetail?: TurnResult['actionDetail'],
  ): TurnResult {
    return {
      conversationId,
      turn,
      reply,
      intent: { name: intent, confidence: 0.9 },
      route: 'script',
      action,
      actionDetail,
      leadStage: action === 'continue' ? 'engaged' : 'closed',
      degraded: false,
      compliance: { input: { verdict: 'allow' }, output: { verdict: 'allow', hits: [] } },
      timingsMs: { classify: 1, generate: 0, comply: 0.1, match: 0.2, total: 2 },
    };
  }
}

export class FakeCampaigns implements CampaignLookup {
  constructor(
    private readonly campaigns: Record<string, { language: 'zh' | 'en'; transferTarget?: string; name?: string }> = {
      default: { language: 'zh', transferTarget: 'tel:+8610000' },
    },
  ) {}

  get(id: string) {
    const c = this.campaigns[id] ?? this.campaigns.default;
    return Promise.resolve({ id, name: c.name ?? id, language: c.language, transferTarget: c.transferTarget });
  }

  list() {
    return Promise.resolve(Object.keys(this.campaigns));
  }

  exists(id: string) {
    return Promise.resolve(id in this.campaigns);
  }
}

/** Barge-in notes the service asked to record. */
export class RecordedBargeIns {
  readonly notes: { conversationId: string; heard: string }[] = [];
  record(conversationId: string, heard: string): Promise<void> {
    this.notes.push({ conversationId, heard });
    return Promise.resolve();
  }
}

export interface TelephonyHarness {
  bargeIns: RecordedBargeIns;
  dialogue: ScriptedDialogue;
  campaigns: FakeCampaigns;
  service: TelephonyService;
  config: AppConfig;
  redis: RedisClient;
  close(): Promise<void>;
}

/** TelephonyService on real Redis (own prefix, removed on close) with the scripted dialogue. */
export async function telephonyHarness(
  label: string,
  env: Record<string, string> = {},
  campaigns = new FakeCampaigns(),
): Promise<TelephonyHarness> {
  const config = loadConfig(testEnv(label, env));
  const redis = createRedis(config.redis, { name: `test-${label}`, prefixed: true });
  await waitReady(redis, 5000);
  const dialogue = new ScriptedDialogue();
  const bargeIns = new RecordedBargeIns();
  const service = new TelephonyService(
    dialogue,
    campaigns,
    new CallSessionStore(redis, config),
    config,
    new MetricsRegistry('test'),
    bargeIns,
  );
  return {
    bargeIns,
    dialogue,
    campaigns,
    service,
    config,
    redis,
    close: async () => {
      redis.disconnect();
      await deletePrefix(config.redis.keyPrefix);
    },
  };
}

/** Deep-compare with "<any>" in `expected` matching any string (ids, timestamps). */
export function withPlaceholders(actual: unknown, expected: unknown): unknown {
  if (expected === '<any>' && typeof actual === 'string') return expected;
  if (Array.isArray(expected) && Array.isArray(actual)) return actual.map((a, i) => withPlaceholders(a, expected[i]));
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(actual)) {
    return Object.fromEntries(
      Object.entries(actual as Record<string, unknown>).map(([k, v]) => [
        k,
        withPlaceholders(v, (expected as Record<string, unknown>)[k]),
      ]),
    );
  }
  return actual;
}

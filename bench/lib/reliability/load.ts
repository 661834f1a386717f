// Closed-loop load of `npm run reliability`: virtual callers that each run conversation after
// conversation through the REST chat API or the generic telephony events adapter, and one that keeps
// scheduling busy_call_later callbacks. Every request is recorded (time, latency, outcome) so the
// harness can cut the run into fault windows afterwards.
import { randomBytes } from 'node:crypto';
import { sleep } from './processes.js';

/** One request of the load, as the client saw it. */
export interface Sample {
  /** ms since the load started, when the request was sent. */
  t: number;
  ms: number;
  via: 'rest' | 'phone';
  what: 'start' | 'turn' | 'end';
  /** HTTP status, or 0 for a network error / client timeout. */
  status: number;
  /** `ok`, or what went wrong: `503 SERVICE_UNAVAILABLE`, `net ECONNREFUSED`, `500 bad-body` … */
  outcome: string;
  /** Turns: the route taken, whether it degraded or fell back, the server's own total, the deadline. */
  route?: string;
  degraded?: boolean;
  fallback?: boolean;
  serverMs?: number;
  deadlineMs?: number;
  libraryVersion?: number;
  /** The error body's message, when there is one. */
  message?: string;
}

export interface LoadOptions {
  /** Gateway base URL (read at every request: the harness swaps gateways). */
  baseUrl: () => string;
  restCallers: number;
  phoneCallers: number;
  /** Pause between two busy_call_later conversations (ms); 0 disables them. */
  busyEveryMs: number;
  deadlines: { rest: number; phone: number };
}

const GREETINGS = ['你好', '喂，你好', 'hello'];
// Utterances the sample campaign routes to the generator once the lead is engaged, and a few scripted ones.
const GENERATOR_TURNS = [
  '这个套餐一个月多少钱',
  '太贵了，能便宜点吗',
  '网速有多快啊',
  '我有点兴趣，说说看',
  '价格怎么算的',
];
const SCRIPT_TURNS = ['你们是哪家公司', '发个短信给我看看', '把资料发给我'];
const BUSY = '我现在在开会，五秒后再打给我';
const BUSY_DELAY_MS = 5000;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const phoneNumber = () => `138${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** The binding error body (DESIGN §4). */
export const isErrorBody = (b: unknown): b is { error: { code: string; message: string } } => {
  const e = (b as { error?: Record<string, unknown> } | null)?.error;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.message === 'string' &&
    Array.isArray(e.details) &&
    typeof e.requestId === 'string'
  );
};

export class LoadGenerator {
  readonly samples: Sample[] = [];
  /** Requests on the wire now, with their start time (ms since the load started). */
  readonly inflight = new Map<number, { t: number; done: Promise<Sample> }>();
  /** busy_call_later conversations answered with a hangup: conversation id → when the callback is due (epoch ms). */
  readonly callbacksExpected = new Map<string, number>();
  private readonly t0 = performance.now();
  private stopping = false;
  private seq = 0;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly opts: LoadOptions) {}

  now(): number {
    return performance.now() - this.t0;
  }

  start(): void {
    for (let i = 0; i < this.opts.restCallers; i++) this.loops.push(this.restCaller(i));
    for (let i = 0; i < this.opts.phoneCallers; i++) this.loops.push(this.phoneCaller(i));
    if (this.opts.busyEveryMs > 0) this.loops.push(this.busyCaller());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** POST JSON and record the outcome; resolves to the parsed body when 2xx, else undefined. */
  private async post<T>(
    path: string,
    body: unknown,
    meta: Pick<Sample, 'via' | 'what'> & { deadlineMs?: number },
  ): Promise<T | undefined> {
    const id = this.seq++;
    const t = this.now();
    let resolveDone!: (s: Sample) => void;
    this.inflight.set(id, { t, done: new Promise((r) => (resolveDone = r)) });
    const sample: Sample = { t, ms: 0, status: 0, outcome: 'ok', ...meta };
    let parsed: unknown;
    try {
      const res = await fetch(`${this.opts.baseUrl()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20000),
      });
      sample.status = res.status;
      const text = await res.text();
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!res.ok) {
        sample.outcome = `${res.status} ${isErrorBody(parsed) ? parsed.error.code : 'non-binding-body'}`;
        sample.message = isErrorBody(parsed) ? parsed.error.message : text.slice(0, 200);
      } else if (parsed === undefined && res.status !== 204) sample.outcome = `${res.status} non-json`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      sample.outcome = e.name === 'TimeoutError' ? 'net client-timeout' : `net ${e.cause?.code ?? e.name}`;
    }
    sample.ms = this.now() - t;
    if (sample.outcome === 'ok' && meta.what === 'turn') {
      const r = parsed as {
        route?: string;
        degraded?: boolean;
        reply?: { fallback?: boolean; libraryVersion?: number } | null;
        timingsMs?: { total?: number };
      };
      sample.route = r.route;
      sample.degraded = r.degraded;
      sample.fallback = r.reply?.fallback;
      sample.serverMs = r.timingsMs?.total;
      sample.libraryVersion = r.reply?.libraryVersion;
    }
    this.samples.push(sample);
    this.inflight.delete(id);
    resolveDone(sample);
    return sample.outcome === 'ok' ? (parsed as T) : undefined;
  }

  private async restCaller(i: number): Promise<void> {
    // Half the REST callers say they are on the phone, so both turn deadlines are exercised.
    const channel = i % 2 === 0 ? 'rest' : 'phone';
    const deadlineMs = this.opts.deadlines[channel];
    while (!this.stopping) {
      const started = await this.post<{ conversationId: string }>(
        '/v1/conversations',
        { campaignId: 'default', channel, customer: { name: '王先生', phone: phoneNumber() } },
        { via: 'rest', what: 'start' },
      );
      if (!started) {
        await sleep(200);
        continue;
      }
      const path = `/v1/conversations/${started.conversationId}`;
      const utterances = [
        pick(GREETINGS),
        pick(GENERATOR_TURNS),
        pick(SCRIPT_TURNS),
        pick(GENERATOR_TURNS),
        pick(GENERATOR_TURNS),
      ];
      for (const text of utterances) {
        if (this.stopping) break;
        const r = await this.post<{ action: string }>(
          `${path}/turns`,
          { text },
          { via: 'rest', what: 'turn', deadlineMs },
        );
        if (!r) {
          await sleep(200);
          break;
        }
        if (r.action !== 'continue') break;
      }
      await this.post(`${path}/end`, { reason: 'done' }, { via: 'rest', what: 'end' });
    }
  }

  private async phoneCaller(i: number): Promise<void> {
    const deadlineMs = this.opts.deadlines.phone;
    while (!this.stopping) {
      const callId = `rel-${i}-${randomBytes(6).toString('hex')}`;
      const event = (e: Record<string, unknown>, what: Sample['what']) =>
        this.post<{ action: string }>(
          '/v1/telephony/events',
          { callId, eventId: randomBytes(6).toString('hex'), event: e },
          { via: 'phone', what, deadlineMs: what === 'turn' ? deadlineMs : undefined },
        );
      if (!(await event({ type: 'start', campaignId: 'default', phone: `+86${phoneNumber()}` }, 'start'))) {
        await sleep(200);
        continue;
      }
      const utterances = [pick(GREETINGS), pick(GENERATOR_TURNS), pick(SCRIPT_TURNS), pick(GENERATOR_TURNS)];
      for (const text of utterances) {
        if (this.stopping) break;
        const r = await event({ type: 'user_text', text, final: true, confidence: 0.9 }, 'turn');
        if (!r) {
          await sleep(200);
          break;
        }
        if (r.action !== 'continue' && r.action !== 'none') break;
      }
      await event({ type: 'hangup', cause: 'normal' }, 'end');
    }
  }

  /** A customer who is busy: the bot hangs up and schedules a dialer callback a few seconds later. */
  private async busyCaller(): Promise<void> {
    while (!this.stopping) {
      await sleep(this.opts.busyEveryMs);
      const started = await this.post<{ conversationId: string }>(
        '/v1/conversations',
        { campaignId: 'default', channel: 'rest', customer: { name: '李女士', phone: phoneNumber() } },
        { via: 'rest', what: 'start' },
      );
      if (!started) continue;
      const r = await this.post<{ action: string; intent: { name: string } }>(
        `/v1/conversations/${started.conversationId}/turns`,
        { text: BUSY },
        { via: 'rest', what: 'turn', deadlineMs: this.opts.deadlines.rest },
      );
      if (r?.action === 'hangup' && r.intent.name === 'busy_call_later') {
        this.callbacksExpected.set(started.conversationId, Date.now() + BUSY_DELAY_MS);
      }
    }
  }
}

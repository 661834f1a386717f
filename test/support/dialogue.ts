// Helpers of the dialogue scenario specs: a campaign per language built through the admin API
// from the sample scripts, chat calls that check the binding TurnResult, and a local dialer
// webhook receiver.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { ConversationView, TurnResult } from '@huashu/dialogue';
import { ADMIN_KEY } from './boot.js';
import { expectError } from './errors.js';
import { SAMPLE, SAMPLE_SETTINGS, type Lang, type SampleExamples } from './sample-campaign.js';

export type { Lang } from './sample-campaign.js';

// The sample campaign's English slot values.
const EN_SLOTS = SAMPLE_SETTINGS.slotsByLanguage.en;

/**
 * The deadlines of the campaigns these helpers create, unless a spec gives its own `deadlines`. The
 * product's stage budgets (classify and comply 100 ms, match 200 ms) are wall-clock limits a loaded
 * test machine overruns, and an overrun degrades the turn to a fallback: a spec about routing, an
 * intent or a script would then also assert the machine's speed. These leave every stage seconds; the
 * turn deadlines stay within the gateway's lock (TURN_DEADLINE_* in testEnv). A spec about deadlines
 * passes the whole `deadlines` it tests (the product's defaults fill what it leaves out).
 */
export const TEST_DEADLINES = {
  // Phone shorter than REST, as in the product.
  phoneMs: 6000,
  restMs: 8000,
  stages: { classify: 2000, generate: 4000, comply: 1000, match: 2000 },
} as const;

/**
 * The calling hours of the campaigns these helpers create, unless a spec gives its own: the whole day.
 * A callback due outside a campaign's calling hours moves to the next morning, so with the product's
 * 09:00–20:00 a spec about when a callback fires ("过两秒再打") would hold only in the daytime of the
 * run; specs of calling hours fix the clock and set them (callback-on-a-named-weekday).
 */
export const TEST_CALLING_HOURS = { start: '00:00', end: '24:00' } as const;

/**
 * Create a campaign the way an operator would: the sample settings, TEST_DEADLINES and TEST_CALLING_HOURS with `settings`
 * over them (PUT, creating it), `rows` of the sample library (import), publish. Returns the campaign id.
 *
 * A campaign's settings name only scripts of its library (a PUT naming one missing from a non-empty
 * draft is 400, a replace import that drops a named one 409), so the sample settings' follow-ons,
 * questions and per-script examples that name a script `rows` leaves out are removed (`null`), and a
 * campaign that already has scripts (the seeded `default`) takes `rows` in before its settings change
 * and drops its other scripts after.
 */
export async function createSampleCampaign(
  url: string,
  id: string,
  settings: Record<string, unknown> = {},
  rows: readonly object[] = SAMPLE,
): Promise<string> {
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const kept = new Set(rows.map((r) => (r as { id: string }).id));
  const sample = SAMPLE_SETTINGS as unknown as {
    followOns: Record<string, string>;
    questions: Record<string, unknown>;
    intentExamples: SampleExamples;
  };
  const own = settings as {
    followOns?: Record<string, unknown>;
    questions?: Record<string, unknown>;
    intentExamples?: Record<string, unknown> & { byScript?: Record<string, unknown> };
  };
  // A spec's own entries replace the sample's, as in the body before; the sample's that name a dropped
  // script are removed either way.
  const entries = <T>(
    sampled: Record<string, T>,
    given: Record<string, unknown> | undefined,
    fits: (key: string, value: T) => boolean,
  ): Record<string, unknown> => {
    const trimmed = onlyKept(sampled, fits);
    if (given === undefined) return trimmed;
    const removed = Object.fromEntries(Object.entries(trimmed).filter(([, v]) => v === null));
    return { ...removed, ...given };
  };
  const trimmed = {
    followOns: entries(sample.followOns, own.followOns, (k, v) => kept.has(k) && kept.has(v)),
    questions: entries(sample.questions, own.questions, (k) => kept.has(k)),
    intentExamples: {
      ...(own.intentExamples ?? sample.intentExamples),
      byScript: entries(
        sample.intentExamples.byScript,
        own.intentExamples && (own.intentExamples.byScript ?? {}),
        (k) => kept.has(k),
      ),
    },
  };
  // A campaign that does not exist yet is 404 here, and its settings PUT creates it (If-None-Match: *).
  const existing = await request(url).get(`/v1/admin/scripts?campaign=${id}`).set(auth);
  if (existing.status !== 404) expect(existing.status).toBe(200);
  const exists = existing.status === 200;
  if (exists && (existing.body as { scripts: unknown[] }).scripts.length > 0) {
    await request(url).post(`/v1/admin/scripts/import?campaign=${id}&mode=upsert`).set(auth).send(rows).expect(200);
  }
  await request(url)
    .put(`/v1/admin/campaigns/${id}`)
    .set(exists ? auth : { ...auth, 'if-none-match': '*' })
    .send({ ...SAMPLE_SETTINGS, deadlines: TEST_DEADLINES, callingHours: TEST_CALLING_HOURS, ...settings, ...trimmed })
    .expect(200);
  await request(url).post(`/v1/admin/scripts/import?campaign=${id}&mode=replace`).set(auth).send(rows).expect(200);
  await request(url).post(`/v1/admin/scripts/publish?campaign=${id}`).set(auth).expect(201);
  return id;
}

/** The sample's entries `fits` keeps; the others `null` (removed from a campaign that has them). */
function onlyKept<T>(entries: Record<string, T>, fits: (key: string, value: T) => boolean): Record<string, T | null> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, fits(k, v) ? v : null]));
}

/**
 * A one-language campaign of the sample: that language's scripts (those `keep` keeps, as `edit`
 * returns them), greeting, goodbye and slots.
 */
export async function createLanguageCampaign(
  url: string,
  lang: Lang,
  id = `sample-${lang}`,
  settings: Record<string, unknown> = {},
  keep: (script: (typeof SAMPLE)[number]) => boolean = () => true,
  edit: (script: (typeof SAMPLE)[number]) => (typeof SAMPLE)[number] = (s) => s,
): Promise<string> {
  const base = {
    language: lang,
    openingScriptId: `${lang}-opening`,
    goodbyeScriptId: `${lang}-goodbye`,
    defaultFallbackScriptId: `${lang}-fallback-default`,
    ...(lang === 'en' ? { slots: EN_SLOTS, name: 'Xinghe Telecom gigabit bundle (en)' } : {}),
  };
  const rows = SAMPLE.filter((s) => s.id.startsWith(`${lang}-`) && keep(s)).map(edit);
  return createSampleCampaign(url, id, { ...base, ...settings }, rows);
}

/**
 * A small one-language campaign of the sample per language: only the scripts `roles` names
 * (`opening`, `goodbye` … → `zh-opening`, `en-goodbye`), ids `${idPrefix}-${lang}`.
 */
export async function createSmallCampaigns(
  url: string,
  idPrefix: string,
  roles: readonly string[],
): Promise<Record<Lang, string>> {
  const ids: Partial<Record<Lang, string>> = {};
  for (const lang of ['zh', 'en'] as const) {
    const kept = roles.map((role) => `${lang}-${role}`);
    ids[lang] = await createLanguageCampaign(url, lang, `${idPrefix}-${lang}`, {}, (s) => kept.includes(s.id));
  }
  return ids as Record<Lang, string>;
}

/** The binding TurnResult shape (DESIGN §4). */
export function expectTurnResult(body: unknown): void {
  const similarity = (body as { reply?: { similarity?: unknown } }).reply?.similarity;
  // Additive: the script said right after the first (campaign followOns).
  const followOn =
    (body as { reply?: { followOn?: unknown } }).reply?.followOn === undefined
      ? {}
      : { followOn: { scriptId: expect.any(String), text: expect.any(String) } };
  expect(similarity === null || typeof similarity === 'number').toBe(true);
  // Similarity and confidence are given to four decimals.
  for (const x of [similarity, (body as { intent?: { confidence?: unknown } }).intent?.confidence]) {
    if (typeof x === 'number') expect(Math.round(x * 1e4) / 1e4).toBe(x);
  }
  expect(body).toEqual(
    expect.objectContaining({
      conversationId: expect.stringMatching(/^c_/),
      turn: expect.any(Number),
      reply: {
        text: expect.any(String),
        scriptId: expect.any(String),
        libraryVersion: expect.any(Number),
        similarity,
        fallback: expect.any(Boolean),
        ...followOn,
      },
      intent: { name: expect.any(String), confidence: expect.any(Number) },
      route: expect.stringMatching(/^(script|generator|fallback)$/),
      action: expect.stringMatching(/^(continue|transfer|hangup)$/),
      leadStage: expect.stringMatching(/^(new|engaged|interested|hot|closed)$/),
      degraded: expect.any(Boolean),
      compliance: {
        input: expect.objectContaining({ verdict: expect.any(String) }),
        output: { verdict: expect.any(String), hits: expect.any(Array) },
      },
      timingsMs: {
        classify: expect.any(Number),
        generate: expect.any(Number),
        comply: expect.any(Number),
        match: expect.any(Number),
        total: expect.any(Number),
      },
    }),
  );
}

/** The fields of a per-turn audit record the specs look at. */
export interface AuditRecord {
  turn: number;
  intent: {
    name: string;
    confidence: number;
    source: string;
    /** The campaign example that decided the intent. */
    example?: { text: string; similarity: number; scriptId?: string; exact?: boolean };
  };
  plannedRoute: string;
  action: string;
  reachedStage: string;
  degraded: boolean;
  problems: string[];
  effects: Record<string, unknown>;
  threshold: number | null;
  generator?: {
    model: string;
    finishReason: string;
    candidate?: string;
    ignoredParams?: string[];
    thinking?: { strippedChars: number };
    /** The campaign example whose script the prompt showed first. */
    answerExample?: { scriptId: string; text: string; similarity: number };
  };
  compliance: { input: { verdict: string; categories: string[] }; output: { verdict: string; categories: string[] } };
}

/** A chat client on one gateway. */
export class Chat {
  constructor(
    readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async start(
    body: Record<string, unknown> = {},
  ): Promise<{ conversationId: string; reply?: { text: string; scriptId: string } }> {
    const res = await request(this.url).post('/v1/conversations').set(this.headers).send(body);
    if (res.status !== 201) throw new Error(`start → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async say(id: string, text: string): Promise<TurnResult> {
    const res = await request(this.url).post(`/v1/conversations/${id}/turns`).set(this.headers).send({ text });
    if (res.status !== 200) throw new Error(`turn "${text}" → ${res.status} ${JSON.stringify(res.body)}`);
    expectTurnResult(res.body);
    return res.body;
  }

  async view(id: string): Promise<ConversationView> {
    const res = await request(this.url).get(`/v1/conversations/${id}`).set(this.headers).expect(200);
    return res.body;
  }

  async audit(id: string): Promise<AuditRecord[]> {
    const res = await request(this.url)
      .get(`/v1/admin/conversations/${id}/audit`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(200);
    return res.body.records;
  }
}

export interface ReceivedCall {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A local dialer webhook: records every POST; answers `statuses` in order (last repeats), default 200. */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  private statuses: number[] = [200];
  private server!: Server;
  url = '';

  static start(): Promise<WebhookReceiver> {
    return new WebhookReceiver().listen();
  }

  /** Listen on a free local port; `url` is set once this resolves. */
  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const status = this.statuses[Math.min(this.calls.length - 1, this.statuses.length - 1)];
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/dialer/callbacks`;
    return this;
  }

  answer(...statuses: number[]): void {
    this.statuses = statuses;
  }

  /** Wait until `n` calls arrived (or fail after `timeoutMs`). */
  async waitFor(n: number, timeoutMs = 15000): Promise<ReceivedCall[]> {
    const until = Date.now() + timeoutMs;
    while (this.calls.length < n) {
      if (Date.now() > until) throw new Error(`webhook got ${this.calls.length} calls, expected ${n}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.calls;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** "YYYY-MM-DD HH" of an instant on a clock in `zone`. */
export function wallHour(at: Date | string, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}`;
}

/** Tomorrow's date ("YYYY-MM-DD") on a clock in `zone`. */
export function tomorrowIn(zone: string): string {
  const [y, m, d] = wallHour(new Date(), zone).slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The turn listed the caller's number (hangup, reason do_not_call, `doNotCall: "listed"`), and a new
 * conversation of the campaign for that number is refused with 409 DO_NOT_CALL.
 */
export async function expectListedAndRefused(
  url: string,
  turn: TurnResult,
  campaignId: string,
  phone: string,
): Promise<void> {
  expect(turn).toMatchObject({
    intent: { name: 'do_not_call' },
    action: 'hangup',
    actionDetail: { reason: 'do_not_call' },
    doNotCall: 'listed',
  });
  const res = await request(url).post('/v1/conversations').send({ campaignId, customer: { phone } });
  expectError(res, 409, 'DO_NOT_CALL');
}

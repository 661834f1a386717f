// Concurrency: 50 turns sent at once on one conversation are serialised by the conversation lock
// (none lost, none interleaved: the transcript is ordered and complete); 1,000 conversations run
// in parallel without mixing their sessions. Both in the gateway's event loop and with turn threads
// (DIALOGUE_TURN_THREADS), where each conversation's turns run in its own thread.
import { bootGateway, type Booted } from './support/boot.js';
import { createLanguageCampaign } from './support/dialogue.js';

const post = async (url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe.each([
  ['in the event loop', '0'],
  ['in two turn threads', '2'],
])('concurrent turns %s', (_mode, threads) => {
  let gw: Booted;
  let campaignId: string;
  beforeAll(async () => {
    // A generous lock wait: 50 queued turns on one conversation must all get their turn.
    gw = await bootGateway('dlg-concurrency', {
      GENERATOR_MODE: 'inprocess',
      CONVERSATION_LOCK_WAIT_MS: '30000',
      DIALOGUE_TURN_THREADS: threads,
    });
    campaignId = await createLanguageCampaign(gw.url, 'zh');
  }, 120_000);
  afterAll(async () => gw.close(), 120_000);

  it('50 parallel turns on one conversation: all answered, transcript ordered and complete', async () => {
    const { body: started } = await post(`${gw.url}/v1/conversations`, { campaignId });
    const id = started.conversationId as string;
    const texts = Array.from({ length: 50 }, (_, i) => `你好 ${i}`);
    const results = await Promise.all(texts.map((text) => post(`${gw.url}/v1/conversations/${id}/turns`, { text })));
    expect(results.map((r) => r.status)).toEqual(texts.map(() => 200));
    // Each request got its own turn number: 1..50, no duplicates (no lost update).
    expect(results.map((r) => r.body.turn as number).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 1));

    const view = (await (await fetch(`${gw.url}/v1/conversations/${id}`)).json()) as {
      turns: number;
      transcript: { turn: number; role: string; text: string }[];
    };
    expect(view.turns).toBe(50);
    const lines = view.transcript.filter((e) => e.turn > 0);
    expect(lines).toHaveLength(100);
    // Ordered: customer then bot for turn 1, 2, …, 50; each turn's customer text is the request
    // that got that turn number.
    const byTurn = new Map(results.map((r, i) => [r.body.turn as number, texts[i]]));
    lines.forEach((e, i) => {
      const turn = Math.floor(i / 2) + 1;
      expect(e.turn).toBe(turn);
      expect(e.role).toBe(i % 2 === 0 ? 'customer' : 'bot');
      if (e.role === 'customer') expect(e.text).toBe(byTurn.get(turn));
    });
  });

  it('1,000 conversations in parallel: each gets its own session and turn 1', async () => {
    const n = 1000;
    // 100 requests in flight at a time (more only measures the kernel's accept queue): the 1,000
    // conversations are all open at once and their turns interleave.
    const lanes = 100;
    const ids: string[] = new Array<string>(n);
    const starts: { status: number }[] = [];
    const turns: { status: number; body: Record<string, unknown> }[] = new Array(n);
    const lane = async (l: number) => {
      for (let i = l; i < n; i += lanes) {
        const s = await post(`${gw.url}/v1/conversations`, { campaignId });
        starts.push(s);
        ids[i] = s.body.conversationId as string;
      }
      for (let i = l; i < n; i += lanes) {
        turns[i] = await post(`${gw.url}/v1/conversations/${ids[i]}/turns`, { text: '你好' });
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
    const count = (rs: { status: number }[]) =>
      rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    expect(count(starts)).toEqual({ 201: n });
    expect(new Set(ids).size).toBe(n);
    expect(count(turns)).toEqual({ 200: n });
    turns.forEach((t, i) => {
      expect(t.body.conversationId).toBe(ids[i]);
      expect(t.body.turn).toBe(1);
    });
  }, 180_000);
});

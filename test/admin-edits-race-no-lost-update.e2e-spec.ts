// Admin edits racing each other through two gateways on one Redis: every writer does read-modify-write
// with If-Match and retries on 412, appending its own items to one script's tags and one campaign's
// product facts. Nothing may be lost: per ETag at most one write wins (exactly one in each contended
// round), every item ends up in the final state, and the audit log holds exactly the winning writes,
// chained (each entry's `before` is the previous entry's `after`, the last `after` is the final state).
import request from 'supertest';
import { CampaignService } from '@huashu/campaigns';
import { ADMIN_KEY, bootGateway, EDITOR_KEY, type Booted } from './support/boot.js';

const WRITERS = 6;
const ITEMS_PER_WRITER = 3;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

interface Attempt {
  etag: string;
  status: number;
}

/**
 * Run WRITERS concurrent writers, each adding ITEMS_PER_WRITER items through `read` (→ current list
 * and ETag) and `write` (ETag, new list → status), retrying on 412. Returns every attempt.
 */
async function race(
  gws: Booted[],
  read: (gw: Booted) => Promise<{ items: string[]; etag: string }>,
  write: (gw: Booted, etag: string, items: string[]) => Promise<request.Response>,
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const gw = gws[w % gws.length];
      for (let k = 0; k < ITEMS_PER_WRITER; k++) {
        for (let tries = 0; ; tries++) {
          if (tries > 200) throw new Error(`writer ${w} starved`);
          const cur = await read(gw);
          const res = await write(gw, cur.etag, [...cur.items, `w${w}-${k}`]);
          attempts.push({ etag: cur.etag, status: res.status });
          if (res.status === 200) break;
          if (res.status !== 412) throw new Error(`writer ${w}: unexpected ${res.status} ${res.text}`);
        }
      }
    }),
  );
  return attempts;
}

/** Per ETag, how many writes won; every ETag some writer used at most once, and each contended one exactly once. */
function winsPerEtag(attempts: Attempt[]): number[] {
  const wins = new Map<string, number>();
  for (const a of attempts) wins.set(a.etag, (wins.get(a.etag) ?? 0) + (a.status === 200 ? 1 : 0));
  return [...wins.values()];
}

const expectedItems = () =>
  Array.from({ length: WRITERS }, (_, w) => Array.from({ length: ITEMS_PER_WRITER }, (_, k) => `w${w}-${k}`))
    .flat()
    .sort();

describe('admin edits racing each other never lose an update', () => {
  let gw1: Booted;
  let gw2: Booted;

  beforeAll(async () => {
    gw1 = await bootGateway('admin-race');
    gw2 = await bootGateway('admin-race', { REDIS_KEY_PREFIX: gw1.config.redis.keyPrefix });
  });
  afterAll(async () => {
    await gw2.close();
    await gw1.close();
  });

  it('script PUTs with If-Match: one winner per ETag, all tags kept, audit log = the winning writes', async () => {
    const path = '/v1/admin/scripts/raced?campaign=race';
    await request(gw1.url)
      .post('/v1/admin/scripts?campaign=race')
      .set(auth(EDITOR_KEY))
      .send({ id: 'raced', text: 'Hello {customer_name}.', tags: [] })
      .expect(201);
    const attempts = await race(
      [gw1, gw2],
      async (gw) => {
        const res = await request(gw.url).get(path).set(auth(EDITOR_KEY)).expect(200);
        return { items: (res.body as { tags: string[] }).tags, etag: res.headers.etag };
      },
      async (gw, etag, tags) =>
        await request(gw.url)
          .put(path)
          .set({ ...auth(EDITOR_KEY), 'if-match': etag })
          .send({ text: 'Hello {customer_name}.', tags }),
    );
    expect(winsPerEtag(attempts).every((n) => n <= 1)).toBe(true);
    expect(attempts.filter((a) => a.status === 200)).toHaveLength(WRITERS * ITEMS_PER_WRITER);
    expect(attempts.some((a) => a.status === 412)).toBe(true);

    const final = (await request(gw2.url).get(path).set(auth(EDITOR_KEY)).expect(200)).body as { tags: string[] };
    expect([...final.tags].sort()).toEqual(expectedItems());

    const audit = (
      await request(gw1.url).get('/v1/admin/scripts/audit?campaign=race').set(auth(EDITOR_KEY)).expect(200)
    ).body as {
      entries: { action: string; scriptId?: string; before: { tags: string[] }; after: { tags: string[] } }[];
    };
    const updates = audit.entries.filter((e) => e.action === 'update' && e.scriptId === 'raced').reverse();
    expect(updates).toHaveLength(WRITERS * ITEMS_PER_WRITER);
    for (let i = 1; i < updates.length; i++) expect(updates[i].before.tags).toEqual(updates[i - 1].after.tags);
    expect(updates.at(-1)!.after.tags).toEqual(final.tags);
  });

  it('campaign PUTs with If-Match: one winner per ETag, all product facts kept, audit chained', async () => {
    const path = '/v1/admin/campaigns/race-campaign';
    await request(gw1.url)
      .put(path)
      .set(auth(ADMIN_KEY))
      .send({ name: 'Race', language: 'en', generator: { productFacts: [] } })
      .expect(200);
    const attempts = await race(
      [gw1, gw2],
      async (gw) => {
        const res = await request(gw.url).get(path).set(auth(ADMIN_KEY)).expect(200);
        return {
          items: (res.body as { generator: { productFacts: string[] } }).generator.productFacts,
          etag: res.headers.etag,
        };
      },
      async (gw, etag, productFacts) =>
        await request(gw.url)
          .put(path)
          .set({ ...auth(ADMIN_KEY), 'if-match': etag })
          .send({ generator: { productFacts } }),
    );
    expect(winsPerEtag(attempts).every((n) => n <= 1)).toBe(true);
    expect(attempts.some((a) => a.status === 412)).toBe(true);

    type Doc = { generator: { productFacts: string[] } };
    const final = (await request(gw2.url).get(path).set(auth(ADMIN_KEY)).expect(200)).body as Doc;
    expect([...final.generator.productFacts].sort()).toEqual(expectedItems());

    // Newest first; the first entry is the creating PUT.
    const audit = (await gw1.app.get(CampaignService).audit('race-campaign', 100)).reverse();
    const writes = audit.slice(1) as unknown as { before: Doc; after: Doc }[];
    expect(writes).toHaveLength(WRITERS * ITEMS_PER_WRITER);
    for (let i = 1; i < writes.length; i++) {
      expect(writes[i].before.generator.productFacts).toEqual(writes[i - 1].after.generator.productFacts);
    }
    expect(writes.at(-1)!.after.generator.productFacts).toEqual(final.generator.productFacts);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ADMIN_KEY, VIEWER_KEY } from './support/boot.js';
import { eventually } from './support/eventually.js';
import { gatewayForSuite } from './support/suite.js';

// INDEX_DIR below a regular file, so it can never be made (ENOTDIR): as in the Docker image, where the
// gateway runs as `node` and could not make /app/tmp (EACCES). Tests run as root, so permissions alone
// would not stop them.
const holder = mkdtempSync(join(tmpdir(), 'huashu-unwritable-'));
const blocker = join(holder, 'a-file');
writeFileSync(blocker, '');

const COLOURS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'silver', 'golden', 'black', 'white'];
const THINGS = ['apple', 'river', 'mountain', 'window', 'garden', 'engine', 'violin', 'castle', 'rocket', 'pencil'];
const PLACES = [
  'kitchen',
  'harbour',
  'library',
  'stadium',
  'village',
  'airport',
  'museum',
  'theatre',
  'school',
  'market',
];
// More scripts than the exact index takes (128), so the version is served by a native index that is
// serialised and loaded through a scratch file.
const LIBRARY = [
  { id: 'fb', text: 'Sorry, could you say that again?', fallback: true, tags: ['en'] },
  ...Array.from({ length: 140 }, (_, i) => ({
    id: `s${i}`,
    text: `The ${COLOURS[i % 10]} ${THINGS[Math.floor(i / 10) % 10]} near the ${PLACES[(i * 3 + Math.floor(i / 100)) % 10]}.`,
    intent: 'ask_product_detail',
    tags: ['en'],
  })),
];

describe('a gateway whose INDEX_DIR cannot be written (its file cache is best effort)', () => {
  const gw = gatewayForSuite('unwritable-index-dir', {
    INDEX_DIR: join(blocker, 'indexes'),
    SEED_SAMPLE_CAMPAIGN: 'false',
  });
  afterAll(() => rmSync(holder, { recursive: true, force: true }));

  it('publishes a library too large for the exact index, serves it, and swaps to its HNSW graph', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    await request(gw.url)
      .post('/v1/admin/scripts/import?campaign=unwritable&mode=replace')
      .set(admin)
      .send(LIBRARY)
      .expect(200);
    const published = await request(gw.url).post('/v1/admin/scripts/publish?campaign=unwritable').set(admin);
    expect(published.status).toBe(201);

    const match = async () => {
      const res = await request(gw.url)
        .post('/v1/admin/scripts/match?campaign=unwritable')
        .set({ authorization: `Bearer ${VIEWER_KEY}` })
        .send({ text: LIBRARY[42].text, k: 1 })
        .expect(200);
      expect(res.body.matches[0].scriptId).toBe(LIBRARY[42].id);
      expect(res.body.version).toBe(1);
    };
    await match();
    // The graph follows the publish in the background.
    await eventually(async () => {
      const ready = await request(gw.url).get('/health/ready').expect(200);
      expect(ready.body.details.scriptIndex.campaigns.unwritable).toMatchObject({
        version: 1,
        size: 141,
        kind: 'hnsw',
      });
    }, 20_000);
    await match();
  });
});

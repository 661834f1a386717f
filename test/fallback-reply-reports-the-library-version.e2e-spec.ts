// Scenario: `reply.libraryVersion` is the published library version that served the turn, whatever
// script answered: a fallback (and an opening line) reports the library's version, never the
// script's own revision (`version` of the script), and the turn's audit record says the same.
import request from 'supertest';
import { ADMIN_KEY } from './support/boot.js';
import { Chat } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const c = 'lib-version';
const SCRIPTS = [
  { id: 'lv-opening', text: '您好，我是爱克美净水的客服。', intent: 'greeting', tags: ['zh'] },
  { id: 'lv-fallback', text: '不好意思，我没听清楚，您能再说一遍吗？', fallback: true, tags: ['zh'] },
];

describe('a fallback reply reports the library version', () => {
  const gw = gatewayForSuite('fallback-library-version');
  let published: number;

  beforeAll(async () => {
    await request(gw.url).post(`/v1/admin/scripts/import?campaign=${c}`).set(auth).send(SCRIPTS).expect(200);
    await request(gw.url).put(`/v1/admin/campaigns/${c}`).set(auth).send({ openingScriptId: 'lv-opening' }).expect(200);
    // Revisions 2, 3 and 4 of both scripts, each published: the library is at version 3, the scripts at 4.
    for (const n of [1, 2, 3]) {
      for (const script of SCRIPTS) {
        await request(gw.url)
          .put(`/v1/admin/scripts/${script.id}?campaign=${c}`)
          .set(auth)
          .send({ ...script, text: `${script.text}（${n}）` })
          .expect(200);
      }
      published = (await request(gw.url).post(`/v1/admin/scripts/publish?campaign=${c}`).set(auth).expect(201)).body
        .version as number;
    }
    const fb = await request(gw.url).get(`/v1/admin/scripts/lv-fallback?campaign=${c}`).set(auth).expect(200);
    expect(fb.body.version).not.toBe(published);
  });

  it('the opening line and a fallback turn report the published version, and so does the audit', async () => {
    const chat = new Chat(gw.url);
    const started = (await request(gw.url).post('/v1/conversations').send({ campaignId: c }).expect(201)).body;
    expect(started.reply).toMatchObject({ scriptId: 'lv-opening', libraryVersion: published });

    const turn = await chat.say(started.conversationId, '帮我查一下明天去上海的火车票');
    expect(turn.reply).toMatchObject({ scriptId: 'lv-fallback', fallback: true, libraryVersion: published });
    const [record] = await chat.audit(started.conversationId);
    expect(record).toMatchObject({ libraryVersion: published });
  });
});

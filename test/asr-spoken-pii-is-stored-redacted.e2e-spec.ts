// Scenario: a caller reads out PII the way a telephony ASR writes it down — a card number whose check
// digit ASR broke, digits in Chinese numerals, an ID grouped by the commas ASR writes for pauses or
// ending in 叉 (X), a spoken e-mail address, several of them in one sentence. Input screening
// (POST /v1/admin/compliance/check, direction input) masks each, and a real turn stores only the
// masked form: the turn's reply, the transcript (GET /v1/conversations/{id}) and the audit
// (GET /v1/admin/conversations/{id}/audit) hold none of the raw digits or words.
import request from 'supertest';
import { ADMIN_KEY, VIEWER_KEY } from './support/boot.js';
import { Chat, createLanguageCampaign } from './support/dialogue.js';
import { gatewayForSuite } from './support/suite.js';

interface Said {
  /** What the caller said, as ASR delivered it. */
  text: string;
  /** Raw pieces that must never be stored (the number as said, its digits alone). */
  raw: string[];
}

// 6222020200112233445 and 4111111111111112 fail Luhn; 110105 19491231 002X is a valid resident ID.
const SAID: Said[] = [
  { text: '我的银行卡号是6222020200112233445', raw: ['6222020200112233445'] },
  { text: '卡号六二二二零二零二零零一一二二三三四四五，扣款用这张', raw: ['六二二二零二零二零零一一二二三三四四五'] },
  { text: 'my card number is 4111 1111 1111 1112', raw: ['4111 1111 1111 1112', '4111111111111112'] },
  { text: '身份证号 110105，19491231，002X', raw: ['110105', '19491231', '002X'] },
  { text: '身份证号一一零一零五一九四九一二三一零零二叉', raw: ['一一零一零五一九四九一二三一零零二叉'] },
  { text: 'my email is john dot doe at gmail dot com', raw: ['john dot doe', 'gmail dot com'] },
  {
    text: '好的，我的手机号是138 0013 8000，银行卡号是6222020200112233445，邮箱zhangsan艾特qq点com，你们什么时候来装？',
    raw: ['138 0013 8000', '13800138000', '6222020200112233445', 'zhangsan'],
  },
];

describe('PII as ASR delivers it is stored only redacted', () => {
  const gw = gatewayForSuite('pii-asr', { GENERATOR_MODE: 'inprocess' });
  let campaignId = '';
  beforeAll(async () => {
    campaignId = await createLanguageCampaign(gw.url, 'zh', 'pii-asr');
  });

  it.each(SAID.map((s) => [s.text, s] as const))('%s', async (_text, said) => {
    const leaks = (where: string, stored: unknown): string[] => {
      const text = JSON.stringify(stored);
      return said.raw.filter((r) => text.includes(r)).map((r) => `${where} holds ${r}`);
    };

    // The admin check: redacted, the masked text free of every raw piece.
    const checked = await request(gw.url)
      .post(`/v1/admin/compliance/check?campaign=${campaignId}`)
      .set('authorization', `Bearer ${VIEWER_KEY}`)
      .send({ text: said.text, direction: 'input' })
      .expect(200);
    const masked = (checked.body as { verdict: string; text: string }).text;
    expect((checked.body as { verdict: string }).verdict).toBe('redact');
    expect(leaks('masked text', masked)).toEqual([]);

    // A real turn (one conversation per utterance: a turn may end the conversation).
    const chat = new Chat(gw.url);
    const { conversationId } = await chat.start({ campaignId });
    const turn = await chat.say(conversationId, said.text);
    expect(turn.compliance.input.verdict).toBe('redact');
    const view = await chat.view(conversationId);
    // The caller's entry in the transcript is the masked text, word for word.
    expect(view.transcript.map((e) => e.text)).toContain(masked);
    const records = await request(gw.url)
      .get(`/v1/admin/conversations/${conversationId}/audit`)
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .expect(200);
    expect((records.body as { records: unknown[] }).records.length).toBeGreaterThanOrEqual(1);
    expect([...leaks('turn', turn), ...leaks('transcript', view), ...leaks('audit', records.body)]).toEqual([]);
  });
});

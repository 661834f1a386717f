import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { RelayConnection, outcomeToFrames, sentences, type RelayOutbound } from './conversation-relay.service.js';
import { telephonyHarness, withPlaceholders, type TelephonyHarness } from '../../../../test/support/telephony-fakes.js';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../test/fixtures/telephony/twilio-relay/${name}`, import.meta.url), 'utf8'),
  ) as {
    frames: { in: unknown; out: RelayOutbound[] }[];
  };
/** handoffData is a JSON string: compare it as JSON so "<any>" works inside it. */
const parsed = (frames: RelayOutbound[]) =>
  frames.map((f) => (f.type === 'end' ? { ...f, handoffData: JSON.parse(f.handoffData) as unknown } : f));

describe('ConversationRelay adapter (golden frames, scripted dialogue)', () => {
  let h: TelephonyHarness;
  beforeAll(async () => {
    h = await telephonyHarness('tel-relay');
  });
  afterAll(async () => h.close());

  it.each(['interest-price-transfer.json', 'do-not-call-hangup.json'])('%s', async (name) => {
    const f = fixture(name);
    let out: RelayOutbound[] = [];
    const conn = new RelayConnection(h.service, (frame) => out.push(frame), new Logger('test'));
    for (const [i, frame] of f.frames.entries()) {
      out = [];
      await conn.receive(JSON.stringify(frame.in));
      const expected = parsed(frame.out);
      expect({ i, out: withPlaceholders(parsed(out), expected) }).toEqual({ i, out: expected });
      // Every reply ends with exactly one last:true.
      const texts = out.filter((o) => o.type === 'text');
      if (texts.length) expect(texts.filter((t) => t.last)).toHaveLength(1);
      if (texts.length) expect(texts.at(-1)?.last).toBe(true);
    }
  });

  it('cancels the in-flight turn on interrupt and never sends its reply', async () => {
    let out: RelayOutbound[] = [];
    const conn = new RelayConnection(h.service, (frame) => out.push(frame), new Logger('test'));
    await conn.receive(JSON.stringify({ type: 'setup', callSid: 'CA' + '9'.repeat(32), from: '+8613000000000' }));
    h.dialogue.delayMs = 300;
    try {
      out = [];
      const pending = conn.receive(JSON.stringify({ type: 'prompt', voicePrompt: '介绍一下', last: true }));
      await new Promise((r) => setTimeout(r, 40));
      await conn.receive(
        JSON.stringify({ type: 'interrupt', utteranceUntilInterrupt: '您好', durationUntilInterruptMs: 300 }),
      );
      await pending;
      expect(out).toEqual([]);
    } finally {
      h.dialogue.delayMs = 0;
    }
  });

  /** A set-up relay call whose dialogue streams the reply's sentences `delayMs` apart. */
  const streamingCall = async (digit: string, delayMs: number) => {
    const out: RelayOutbound[] = [];
    let onFrame: (() => void) | undefined;
    const conn = new RelayConnection(
      h.service,
      (frame) => {
        out.push(frame);
        onFrame?.();
      },
      new Logger('test'),
    );
    await conn.receive(
      JSON.stringify({ type: 'setup', callSid: 'CA' + digit.repeat(32), from: '+861300000000' + digit }),
    );
    out.length = 0;
    h.dialogue.streamParts = true;
    h.dialogue.delayMs = delayMs;
    const firstSent = new Promise<void>((r) => (onFrame = r));
    return { conn, out, firstSent };
  };
  const FIRST = { type: 'text', token: '300兆套餐每月99元。', last: false, lang: 'zh-CN' };

  it('streams a reply: the first approved script goes out before the turn ends, one empty last:true closes it', async () => {
    const { conn, out, firstSent } = await streamingCall('7', 200);
    try {
      let settled = false;
      const pending = conn
        .receive(JSON.stringify({ type: 'prompt', voicePrompt: '多少钱', lang: 'zh-CN', last: true }))
        .then(() => (settled = true));
      await firstSent;
      expect(settled).toBe(false);
      expect(out).toEqual([FIRST]);
      await pending;
      expect(out).toEqual([
        FIRST,
        { type: 'text', token: '首年还送路由器！', last: false, lang: 'zh-CN' },
        { type: 'text', token: '', last: true, lang: 'zh-CN' },
      ]);
    } finally {
      h.dialogue.streamParts = false;
      h.dialogue.delayMs = 0;
    }
  });

  it('an interrupt mid-stream stops the reply: no further tokens, no last:true', async () => {
    const { conn, out, firstSent } = await streamingCall('6', 300);
    try {
      const pending = conn.receive(JSON.stringify({ type: 'prompt', voicePrompt: '多少钱', last: true }));
      await firstSent;
      await conn.receive(
        JSON.stringify({ type: 'interrupt', utteranceUntilInterrupt: '300兆', durationUntilInterruptMs: 500 }),
      );
      await pending;
      expect(out).toEqual([FIRST]);
      expect(h.bargeIns.notes.at(-1)).toMatchObject({ heard: '300兆' });
    } finally {
      h.dialogue.streamParts = false;
      h.dialogue.delayMs = 0;
    }
  });

  it('switches speech and recognition language when a reply is in another language, and back', async () => {
    const out: RelayOutbound[] = [];
    const conn = new RelayConnection(h.service, (frame) => out.push(frame), new Logger('test'));
    await conn.receive(JSON.stringify({ type: 'setup', callSid: 'CA' + '5'.repeat(32), from: '+8613000000005' }));
    out.length = 0;
    await conn.receive(
      JSON.stringify({ type: 'prompt', voicePrompt: 'How much, in English?', lang: 'en-US', last: true }),
    );
    expect(out).toEqual([
      { type: 'language', ttsLanguage: 'en-US', transcriptionLanguage: 'en-US' },
      { type: 'text', token: 'Sure. ', last: false, lang: 'en-US' },
      { type: 'text', token: 'The 300M plan costs 99 yuan a month.', last: true, lang: 'en-US' },
    ]);
    out.length = 0;
    await conn.receive(JSON.stringify({ type: 'prompt', voicePrompt: '多少钱', lang: 'zh-CN', last: true }));
    expect(out[0]).toEqual({ type: 'language', ttsLanguage: 'zh-CN', transcriptionLanguage: 'zh-CN' });
    expect(out.slice(1).every((f) => f.type === 'text' && f.lang === 'zh-CN')).toBe(true);
  });

  it('drops malformed frames without closing and ends the call when the socket closes', async () => {
    const out: RelayOutbound[] = [];
    const conn = new RelayConnection(h.service, (frame) => out.push(frame), new Logger('test'));
    await conn.receive('{not json');
    await conn.receive(JSON.stringify({ type: 'prompt', voicePrompt: 42, last: 'yes' }));
    await conn.receive(JSON.stringify({ type: 'unknown' }));
    expect(out).toEqual([]);
    await conn.receive(JSON.stringify({ type: 'setup', callSid: 'CA' + '8'.repeat(32) }));
    const ended = h.dialogue.ended.length;
    await conn.closed();
    expect(h.dialogue.ended.length).toBe(ended + 1);
  });

  it('splits zh and en replies into sentences and always ends with one last token', () => {
    expect(sentences('你好。请问您贵姓？好的！', 'zh-CN')).toEqual(['你好。', '请问您贵姓？', '好的！']);
    expect(sentences('Hello there. How are you? Fine!', 'en-US')).toEqual(['Hello there. ', 'How are you? ', 'Fine!']);
    const frames = outcomeToFrames({
      conversationId: 'c',
      say: { text: 'One. Two.', language: 'en-US' },
      action: 'continue',
      degraded: false,
      reprompt: false,
    });
    expect(frames).toEqual([
      { type: 'text', token: 'One. ', last: false, lang: 'en-US' },
      { type: 'text', token: 'Two.', last: true, lang: 'en-US' },
    ]);
  });
});

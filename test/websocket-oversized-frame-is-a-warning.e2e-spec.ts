// A client that breaks the WebSocket protocol (here a frame over the telephony sockets' 64 KiB
// maxPayload) gets its socket closed with 1009 by ws; the gateway logs that as one warning line, not
// as an error with a stack, keeps serving, and a well-behaved socket on the same route still works.
import type WebSocket from 'ws';
import { LogCapture } from './support/log-capture.js';
import { AUDIOCODES_AUTH, openWs, TELEPHONY_ENV } from './support/telephony-env.js';
import { gatewayForSuite } from './support/suite.js';

describe('WebSocket client protocol errors', () => {
  const logs = new LogCapture();
  const gw = gatewayForSuite('ws-client-errors', { ...TELEPHONY_ENV, LOG_LEVEL: 'info' }, { logStream: logs });

  const url = () => `${gw.url.replace('http', 'ws')}/v1/telephony/audiocodes/ws`;
  const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));

  it('an oversized frame closes that socket with 1009 and is logged as a warning, not an error', async () => {
    const ws = await openWs(url(), AUDIOCODES_AUTH);
    const code = closed(ws);
    ws.send(JSON.stringify({ type: 'activities', conversationId: 'c1', activities: [{ text: 'x'.repeat(70_000) }] }));
    expect(await code).toBe(1009);
    // The server-side 'error' of that socket is logged when ws processes the frame: wait for it.
    for (let i = 0; i < 50 && !logs.text.includes('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = logs.lines.map((l) => JSON.parse(l) as { level: number; code?: string; msg?: string });
    const warning = lines.find((l) => l.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
    expect(warning).toMatchObject({ level: 40, msg: 'WebSocket client protocol error; socket closed' });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);

    // The route still serves a client that keeps to the protocol.
    const ok = await openWs(url(), AUDIOCODES_AUTH);
    const first = new Promise<Record<string, unknown>>((resolve) =>
      ok.once('message', (data: Buffer) => resolve(JSON.parse(data.toString('utf8')) as Record<string, unknown>)),
    );
    ok.send(JSON.stringify({ type: 'session.initiate', conversationId: 'ws-ok-1', expectAudioMessages: false }));
    expect(await first).toMatchObject({ type: 'session.accepted' });
    ok.close();
  });
});

import type { ExecutionContext } from '@nestjs/common';
import twilio from 'twilio';
import { loadConfig } from '@huashu/config';
import {
  AudioCodesAuthGuard,
  GenesysSecretGuard,
  TelephonyEventsGuard,
  TwilioSignatureGuard,
} from './telephony.guards.js';

const ctx = (req: Record<string, unknown>): ExecutionContext =>
  ({ switchToHttp: () => ({ getRequest: () => req }) }) as unknown as ExecutionContext;
const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });
const rejects = (fn: () => boolean, code: string) => expect(fn).toThrow(expect.objectContaining({ code }) as Error);

describe('telephony guards', () => {
  it('AudioCodes: closed without a token, 401 on a wrong or missing bearer, accepts the token', () => {
    rejects(
      () => new AudioCodesAuthGuard(config({})).canActivate(ctx({ headers: { authorization: 'Bearer x' } })),
      'UNAUTHORIZED',
    );
    const guard = new AudioCodesAuthGuard(config({ AUDIOCODES_BOT_TOKEN: 'secret-token-123' }));
    rejects(() => guard.canActivate(ctx({ headers: {} })), 'UNAUTHORIZED');
    rejects(() => guard.canActivate(ctx({ headers: { authorization: 'Bearer secret-token-12' } })), 'UNAUTHORIZED');
    rejects(() => guard.canActivate(ctx({ headers: { authorization: 'Basic secret-token-123' } })), 'UNAUTHORIZED');
    expect(guard.canActivate(ctx({ headers: { authorization: 'Bearer secret-token-123' } }))).toBe(true);
  });

  it('Genesys: 403 unless the configured header carries the secret (header name case-insensitive)', () => {
    rejects(() => new GenesysSecretGuard(config({})).canActivate(ctx({ headers: {} })), 'FORBIDDEN');
    const guard = new GenesysSecretGuard(
      config({ GENESYS_SECRET_HEADER: 'X-Bot-Secret', GENESYS_SECRET: 's3cret-value' }),
    );
    rejects(() => guard.canActivate(ctx({ headers: {} })), 'FORBIDDEN');
    rejects(() => guard.canActivate(ctx({ headers: { 'x-bot-secret': 's3cret-valuE' } })), 'FORBIDDEN');
    rejects(() => guard.canActivate(ctx({ headers: { 'x-other': 's3cret-value' } })), 'FORBIDDEN');
    expect(guard.canActivate(ctx({ headers: { 'x-bot-secret': 's3cret-value' } }))).toBe(true);
  });

  it('Twilio: 403 on a bad signature; signs against PUBLIC_BASE_URL behind a proxy', () => {
    const token = 'tw-token-abcdef';
    const body = { CallSid: 'CA' + '0'.repeat(32), SpeechResult: '你好' };
    const url = '/v1/telephony/twilio/voice?campaign=a';
    const sig = twilio.getExpectedTwilioSignature(token, `https://bot.example.com${url}`, body);
    const req = (signature: string) => ({
      headers: { 'x-twilio-signature': signature },
      body,
      protocol: 'http',
      host: '10.0.0.7:3000',
      url,
    });
    rejects(() => new TwilioSignatureGuard(config({})).canActivate(ctx(req(sig))), 'FORBIDDEN');
    const behindProxy = new TwilioSignatureGuard(
      config({ TWILIO_AUTH_TOKEN: token, PUBLIC_BASE_URL: 'https://bot.example.com' }),
    );
    expect(behindProxy.canActivate(ctx(req(sig)))).toBe(true);
    rejects(() => behindProxy.canActivate(ctx({ ...req(sig), body: { ...body, SpeechResult: '再见' } })), 'FORBIDDEN');
    // Without PUBLIC_BASE_URL the request's own origin is what was signed.
    const direct = new TwilioSignatureGuard(config({ TWILIO_AUTH_TOKEN: token }));
    rejects(() => direct.canActivate(ctx(req(sig))), 'FORBIDDEN');
    const directSig = twilio.getExpectedTwilioSignature(token, `http://10.0.0.7:3000${url}`, body);
    expect(direct.canActivate(ctx(req(directSig)))).toBe(true);
  });

  it('generic events: open without CHAT_API_KEYS, else a chat key is required', () => {
    expect(new TelephonyEventsGuard(config({})).canActivate(ctx({ headers: {} }))).toBe(true);
    const guard = new TelephonyEventsGuard(config({ CHAT_API_KEYS: 'chat-key-1,chat-key-2' }));
    rejects(() => guard.canActivate(ctx({ headers: {} })), 'UNAUTHORIZED');
    rejects(() => guard.canActivate(ctx({ headers: { authorization: 'Bearer chat-key-3' } })), 'UNAUTHORIZED');
    expect(guard.canActivate(ctx({ headers: { authorization: 'Bearer chat-key-2' } }))).toBe(true);
  });
});

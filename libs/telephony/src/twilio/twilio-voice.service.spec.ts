import { readFileSync } from 'node:fs';
import { TwilioVoiceService } from './twilio-voice.service.js';
import { signedUrl, validTwilioSignature } from './twilio-signature.js';
import { FakeCampaigns, telephonyHarness, type TelephonyHarness } from '../../../../test/support/telephony-fakes.js';

interface Step {
  note: string;
  retryOf?: number;
  idempotencyToken?: string;
  request: Record<string, string>;
  response: string;
}
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/telephony/twilio/${name}`, import.meta.url), 'utf8')) as {
    query: { campaign?: string };
    steps: Step[];
  };

describe('Twilio <Gather> adapter (golden TwiML, scripted dialogue)', () => {
  let h: TelephonyHarness;
  let voice: TwilioVoiceService;
  beforeAll(async () => {
    h = await telephonyHarness('tel-tw');
    voice = new TwilioVoiceService(h.service, h.config);
  });
  afterAll(async () => h.close());

  it.each(['gather-interest-price-transfer.json', 'gather-do-not-call.json'])('%s', async (name) => {
    const f = fixture(name);
    for (const step of f.steps) {
      const turns = h.dialogue.turns.length;
      const twiml = await voice.webhook(step.request, f.query, step.idempotencyToken);
      expect({ note: step.note, twiml }).toEqual({ note: step.note, twiml: step.response });
      if (step.retryOf !== undefined) expect(h.dialogue.turns.length).toBe(turns);
    }
  });

  it('puts the configured speech model, hints and the voice of the reply language on <Gather>/<Say>', () => {
    const config = {
      ...h.config,
      telephony: {
        ...h.config.telephony,
        twilioSpeech: {
          model: 'phone_call',
          hints: '千兆宽带, 光猫',
          voices: { 'zh-CN': 'Polly.Zhiyu', 'en-US': 'Polly.Joanna-Neural' },
        },
      },
    };
    const tuned = new TwilioVoiceService(h.service, config);
    const twiml = tuned.twiml(
      {
        conversationId: 'c',
        say: { text: '您好', language: 'zh-CN' },
        action: 'continue',
        degraded: false,
        reprompt: false,
      },
      {},
    );
    expect(twiml).toContain('speechModel="phone_call"');
    expect(twiml).toContain('hints="千兆宽带, 光猫"');
    expect(twiml).toContain('<Say language="zh-CN" voice="Polly.Zhiyu">您好</Say>');
    const bye = tuned.twiml(
      {
        conversationId: 'c',
        say: { text: 'Bye.', language: 'en-US' },
        action: 'hangup',
        degraded: false,
        reprompt: false,
      },
      {},
    );
    expect(bye).toContain('<Say language="en-US" voice="Polly.Joanna-Neural">Bye.</Say><Hangup/>');
  });

  it('hangs up a call whose state is gone and rejects malformed webhooks', async () => {
    await expect(voice.webhook({ CallSid: 'not-a-sid' }, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(voice.webhook({ SpeechResult: 'hi' }, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      voice.webhook({ CallSid: 'CA' + 'f'.repeat(32), SpeechResult: 'x'.repeat(5000) }, {}),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('answers relay mode with <Connect><ConversationRelay> and dials the handoff target afterwards', async () => {
    const sid = 'CA' + '1'.repeat(32);
    const connect = await voice.webhook(
      { CallSid: sid, From: '+8613800000000', CallStatus: 'ringing' },
      { campaign: 'default', mode: 'relay' },
    );
    expect(connect).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect action="/v1/telephony/twilio/voice?campaign=default&amp;mode=relay">' +
        '<ConversationRelay url="ws://localhost/v1/telephony/twilio/relay" language="zh-CN" interruptible="any" dtmfDetection="true">' +
        '<Parameter name="campaign" value="default"/></ConversationRelay></Connect></Response>',
    );
    const handoff = JSON.stringify({ reasonCode: 'live-agent-handoff', reason: 'hot_lead', target: 'tel:+8610086' });
    expect(await voice.webhook({ CallSid: sid, HandoffData: handoff, SessionStatus: 'ended' }, { mode: 'relay' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial>tel:+8610086</Dial></Response>',
    );
    expect(await voice.webhook({ CallSid: sid, HandoffData: '{"reasonCode":"hangup"}' }, { mode: 'relay' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>',
    );
    expect(await voice.webhook({ CallSid: sid, HandoffData: 'not json' }, { mode: 'relay' })).toContain('<Hangup/>');
  });

  it("speaks and transcribes the campaign's language in relay mode (Twilio's default is en-US)", async () => {
    const campaigns = new FakeCampaigns({ default: { language: 'zh' }, 'us-sales': { language: 'en' } });
    const local = await telephonyHarness('tel-tw-lang', {}, campaigns);
    try {
      const relay = new TwilioVoiceService(local.service, local.config);
      const first = (campaign?: string) =>
        relay.webhook({ CallSid: 'CA' + '2'.repeat(32), From: '+15550100' }, { campaign, mode: 'relay' });
      expect(await first('us-sales')).toContain(
        '<ConversationRelay url="ws://localhost/v1/telephony/twilio/relay" language="en-US"',
      );
      expect(await first()).toContain('language="zh-CN"');
    } finally {
      await local.close();
    }
  });
});

describe('X-Twilio-Signature', () => {
  // Twilio's published example (https://www.twilio.com/docs/usage/security#validating-requests):
  // auth token 12345, this URL and these parameters sign to 0/KCTR6DLpKmkAf8muzZqo1nDgQ=.
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+12349013030',
    Digits: '1234',
    From: '+12349013030',
    To: '+18005551212',
  };
  const sig = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

  it('accepts the published test vector and rejects any change', () => {
    expect(validTwilioSignature('12345', sig, url, params)).toBe(true);
    expect(validTwilioSignature('12346', sig, url, params)).toBe(false);
    expect(validTwilioSignature('12345', sig, url, { ...params, Digits: '1235' })).toBe(false);
    expect(validTwilioSignature('12345', sig, url.replace('foo=1', 'foo=2'), params)).toBe(false);
    expect(validTwilioSignature('12345', undefined, url, params)).toBe(false);
    expect(validTwilioSignature(undefined, sig, url, params)).toBe(false);
  });

  it('accepts the URL with or without the default port', () => {
    expect(validTwilioSignature('12345', sig, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params)).toBe(true);
  });

  it('rebuilds the signed URL from PUBLIC_BASE_URL behind a proxy, else from the request', () => {
    const req = { protocol: 'http', host: '10.0.0.5:3000', url: '/v1/telephony/twilio/voice?campaign=a' };
    expect(signedUrl('https://bot.example.com', req)).toBe(
      'https://bot.example.com/v1/telephony/twilio/voice?campaign=a',
    );
    expect(signedUrl('https://bot.example.com/huashu/', req)).toBe(
      'https://bot.example.com/huashu/v1/telephony/twilio/voice?campaign=a',
    );
    expect(signedUrl(undefined, req)).toBe('http://10.0.0.5:3000/v1/telephony/twilio/voice?campaign=a');
    expect(signedUrl('https://bot.example.com', { ...req, url: '/v1/telephony/twilio/relay' }, 'ws')).toBe(
      'wss://bot.example.com/v1/telephony/twilio/relay',
    );
  });
});

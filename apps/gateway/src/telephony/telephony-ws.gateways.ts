import type { IncomingMessage } from 'node:http';
import { Inject, Logger } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection, type OnGatewayInit } from '@nestjs/websockets';
import type { WebSocket, WebSocketServer } from 'ws';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { AudioCodesBotService, ConversationRelayService, signedUrl, validTwilioSignature } from '@huashu/telephony';
import { audiocodesAuthorized } from './telephony.guards.js';

/** Largest frame accepted from a platform socket (same limit as HTTP bodies). */
const MAX_FRAME_BYTES = 64 * 1024;

type VerifyInfo = { origin: string; secure: boolean; req: IncomingMessage };
type VerifyCallback = (ok: boolean, code?: number, message?: string) => void;

/**
 * Checks run on the HTTP upgrade, before a socket exists: a bad signature/token gets a plain
 * HTTP 401/403 instead of an accepted-then-closed socket. The ws server is created by Nest's
 * WsAdapter from static decorator options, so the (config-dependent) verifyClient is installed in
 * afterInit; ws reads `options.verifyClient` on every upgrade.
 */
function installVerifier(server: WebSocketServer, verify: (req: IncomingMessage, secure: boolean) => number) {
  (server.options as { verifyClient?: unknown }).verifyClient = (info: VerifyInfo, cb: VerifyCallback) => {
    const status = verify(info.req, info.secure);
    if (status === 0) cb(true);
    else cb(false, status, status === 401 ? 'Unauthorized' : 'Forbidden');
  };
}

const queryParam = (req: IncomingMessage, name: string): string | undefined =>
  new URL(req.url ?? '/', 'ws://localhost').searchParams.get(name) ?? undefined;

/** Twilio ConversationRelay: wss://<host>/v1/telephony/twilio/relay (X-Twilio-Signature on the upgrade). */
@WebSocketGateway({ path: '/v1/telephony/twilio/relay', maxPayload: MAX_FRAME_BYTES })
export class TwilioRelayGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket> {
  private readonly logger = new Logger('TwilioRelayGateway');

  constructor(
    private readonly relay: ConversationRelayService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: WebSocketServer) {
    installVerifier(server, (req, secure) => {
      const token = this.config.telephony.twilioAuthToken;
      const signature = req.headers['x-twilio-signature'];
      const url = signedUrl(
        this.config.telephony.publicBaseUrl,
        { protocol: secure ? 'https' : 'http', host: req.headers.host ?? '', url: req.url ?? '/' },
        'ws',
      );
      return typeof signature === 'string' && validTwilioSignature(token, signature, url, {}) ? 0 : 403;
    });
  }

  handleConnection(client: WebSocket, req: IncomingMessage) {
    const conn = this.relay.open(
      (frame) => {
        if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
      },
      queryParam(req, 'campaign'),
    );
    client.on('message', (data: Buffer) => void conn.receive(data.toString('utf8')));
    client.on('close', () => {
      conn.closed().catch((err: unknown) => this.logger.warn({ err }, 'relay close handling failed'));
    });
  }
}

/** AudioCodes Bot API streaming mode: wss://<host>/v1/telephony/audiocodes/ws (Bearer token on the upgrade). */
@WebSocketGateway({ path: '/v1/telephony/audiocodes/ws', maxPayload: MAX_FRAME_BYTES })
export class AudioCodesWsGateway implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket> {
  private readonly logger = new Logger('AudioCodesWsGateway');

  constructor(
    private readonly bot: AudioCodesBotService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: WebSocketServer) {
    installVerifier(server, (req) => (audiocodesAuthorized(this.config, req.headers.authorization) ? 0 : 401));
  }

  handleConnection(client: WebSocket, req: IncomingMessage) {
    const session: { conversationId?: string; campaignId?: string; caller?: string } = {
      campaignId: queryParam(req, 'campaign'),
    };
    let queue: Promise<void> = Promise.resolve();
    client.on('message', (data: Buffer) => {
      // Frames of one session are handled in order.
      queue = queue.then(async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString('utf8'));
        } catch {
          client.send(JSON.stringify({ type: 'session.error', reason: 'malformed JSON frame' }));
          return;
        }
        try {
          const sendNow = (frame: Record<string, unknown>) => {
            if (client.readyState === client.OPEN) client.send(JSON.stringify(frame));
          };
          const { send, close } = await this.bot.wsFrame(parsed, session, sendNow);
          for (const frame of send) sendNow(frame);
          if (close) client.close(1000);
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, 'AudioCodes frame rejected');
          client.send(
            JSON.stringify({
              type: 'session.error',
              conversationId: session.conversationId,
              reason: (err as Error).message,
            }),
          );
        }
      });
    });
    client.on('close', () => {
      if (!session.conversationId) return;
      this.bot
        .wsFrame({ type: 'session.end', reason: 'socket closed' }, session)
        .catch((err: unknown) => this.logger.warn({ err }, 'AudioCodes close handling failed'));
    });
  }
}

import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Nest's WsAdapter with one change: a client's own protocol violation — a frame over the gateway's
 * `maxPayload`, invalid UTF-8, a bad opcode or close code (ws's `WS_ERR_*` errors, after which ws
 * closes that socket itself, e.g. with 1009) — is logged as one warning line, not as an error with
 * its stack. A misbehaving client is not a server fault, and error-level lines are what alerting
 * watches. Any other socket or server error is still logged at error level.
 */
export class GatewayWsAdapter extends WsAdapter {
  private readonly clients = new Logger('WebSocket');

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws: WebSocket) =>
      ws.on('error', (err: Error & { code?: string }) => {
        if (typeof err.code === 'string' && err.code.startsWith('WS_ERR_')) {
          this.clients.warn({ code: err.code, reason: err.message }, 'WebSocket client protocol error; socket closed');
        } else {
          this.logger.error(err);
        }
      }),
    );
    server.on('error', (err: Error) => this.logger.error(err));
    return server;
  }
}

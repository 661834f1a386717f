import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HuashuException } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { ApiKeyMatcher, bearerToken } from '../auth/index.js';

/** Chat routes are open unless CHAT_API_KEYS is set; then they need `Bearer <one of them>`. */
@Injectable()
export class ChatAuthGuard implements CanActivate {
  private readonly keys: ApiKeyMatcher<true>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = new ApiKeyMatcher(config.auth.chatKeys.map((key) => ({ key, value: true as const })));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.empty) return true;
    const token = bearerToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    if (!token) throw new HuashuException('UNAUTHORIZED', 'missing Authorization: Bearer <chat key>');
    if (!this.keys.match(token)) throw new HuashuException('UNAUTHORIZED', 'unknown chat API key');
    return true;
  }
}

import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HuashuException } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { safeEqual, signedUrl, validTwilioSignature } from '@huashu/telephony';
import { ApiKeyMatcher, bearerToken } from '../auth/index.js';

/** AudioCodes sends `Authorization: Bearer <token>` on every Bot API request (AUDIOCODES_BOT_TOKEN). */
export function audiocodesAuthorized(config: AppConfig, authorization: string | undefined): boolean {
  const expected = config.telephony.audiocodesBotToken;
  const token = bearerToken(authorization);
  return Boolean(expected && token && safeEqual(token, expected));
}

@Injectable()
export class AudioCodesAuthGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.config.telephony.audiocodesBotToken) {
      throw new HuashuException('UNAUTHORIZED', 'AudioCodes adapter is closed: AUDIOCODES_BOT_TOKEN not configured');
    }
    if (!audiocodesAuthorized(this.config, request.headers.authorization)) {
      throw new HuashuException('UNAUTHORIZED', 'missing or wrong Authorization: Bearer <token>');
    }
    return true;
  }
}

/** Genesys sends the connection secret in a configured header; wrong or missing → 403 (per the spec). */
@Injectable()
export class GenesysSecretGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { genesysSecretHeader: header, genesysSecret: secret } = this.config.telephony;
    if (!header || !secret) {
      throw new HuashuException(
        'FORBIDDEN',
        'Genesys adapter is closed: GENESYS_SECRET_HEADER/GENESYS_SECRET not configured',
      );
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const value = request.headers[header.toLowerCase()];
    if (typeof value !== 'string' || !safeEqual(value, secret)) {
      throw new HuashuException('FORBIDDEN', 'missing or wrong connection secret');
    }
    return true;
  }
}

/** X-Twilio-Signature over the URL Twilio called (PUBLIC_BASE_URL behind a proxy) and the form body. */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.config.telephony.twilioAuthToken) {
      throw new HuashuException('FORBIDDEN', 'Twilio adapter is closed: TWILIO_AUTH_TOKEN not configured');
    }
    const signature = request.headers['x-twilio-signature'];
    const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, string>) : {};
    const url = signedUrl(this.config.telephony.publicBaseUrl, {
      protocol: request.protocol,
      host: request.host,
      url: request.url,
    });
    if (
      typeof signature !== 'string' ||
      !validTwilioSignature(this.config.telephony.twilioAuthToken, signature, url, body)
    ) {
      throw new HuashuException('FORBIDDEN', 'invalid X-Twilio-Signature');
    }
    return true;
  }
}

/** Generic events use the chat API keys (CHAT_API_KEYS); open when none are configured, like chat. */
@Injectable()
export class TelephonyEventsGuard implements CanActivate {
  private readonly keys: ApiKeyMatcher<true>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = new ApiKeyMatcher(config.auth.chatKeys.map((key) => ({ key, value: true as const })));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.keys.empty) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token || !this.keys.match(token)) throw new HuashuException('UNAUTHORIZED', 'missing or unknown API key');
    return true;
  }
}

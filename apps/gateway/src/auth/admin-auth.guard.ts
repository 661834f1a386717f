import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { HuashuException } from '@huashu/common';
import { ADMIN_ROLES, APP_CONFIG, type AdminRole, type AppConfig } from '@huashu/config';
import { ApiKeyMatcher, bearerToken } from './api-key.matcher.js';
import { REQUIRED_ROLE } from './auth.constants.js';

/** What the guard attaches to the request for audit records ("who"). */
export interface AdminPrincipal {
  role: AdminRole;
  /** A non-secret label of the key: its position in ADMIN_API_KEYS. */
  keyId: string;
}

const rank = (role: AdminRole): number => ADMIN_ROLES.length - ADMIN_ROLES.indexOf(role);

@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly keys: ApiKeyMatcher<AdminPrincipal>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly reflector: Reflector,
  ) {
    this.keys = new ApiKeyMatcher(
      config.auth.adminKeys.map((k, i) => ({ key: k.key, value: { role: k.role, keyId: `key${i + 1}:${k.role}` } })),
    );
  }

  canActivate(context: ExecutionContext): boolean {
    const required =
      this.reflector.getAllAndOverride<AdminRole | undefined>(REQUIRED_ROLE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: AdminPrincipal }>();
    const token = bearerToken(request.headers.authorization);
    if (this.keys.empty) throw new HuashuException('UNAUTHORIZED', 'admin API is closed: no ADMIN_API_KEYS configured');
    if (!token) throw new HuashuException('UNAUTHORIZED', 'missing Authorization: Bearer <key>');
    const principal = this.keys.match(token);
    if (!principal) throw new HuashuException('UNAUTHORIZED', 'unknown API key');
    if (rank(principal.role) < rank(required)) {
      throw new HuashuException('FORBIDDEN', `role ${principal.role} may not do this; needs ${required}`);
    }
    request.principal = principal;
    return true;
  }
}

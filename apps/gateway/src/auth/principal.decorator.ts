import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AdminPrincipal } from './admin-auth.guard.js';

/** The authenticated admin principal of the request (set by AdminAuthGuard). */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: AdminPrincipal }>();
  return req.principal ?? { role: 'viewer', keyId: 'anonymous' };
});

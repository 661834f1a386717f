import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AdminRole } from '@huashu/config';
import { ApiErrorResponses } from '@huashu/ops';
import { AdminAuthGuard } from './admin-auth.guard.js';

import { REQUIRED_ROLE } from './auth.constants.js';

const UNAUTHORIZED = { 401: 'UNAUTHORIZED: missing or unknown API key' } as const;
const FORBIDDEN = { 403: 'FORBIDDEN: the key’s role is too weak' } as const;

/**
 * Protects an admin controller or route: needs `Authorization: Bearer <key>` with at least `role`
 * (admin ⊃ editor ⊃ viewer).
 */
export const AdminRoles = (role: AdminRole) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    UseGuards(AdminAuthGuard),
    ApiBearerAuth('admin'),
    // Every key is at least a viewer: a viewer route never answers 403.
    ApiErrorResponses(role === 'viewer' ? UNAUTHORIZED : { ...UNAUTHORIZED, ...FORBIDDEN }),
  );

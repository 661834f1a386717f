import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { AdminRole } from '@huashu/config';
import { ApiErrorResponses } from '@huashu/ops';
import { AdminAuthGuard } from './admin-auth.guard.js';

import { REQUIRED_ROLE } from './auth.constants.js';

/**
 * Protects an admin controller or route: needs `Authorization: Bearer <key>` with at least `role`
 * (admin ⊃ editor ⊃ viewer).
 */
export const AdminRoles = (role: AdminRole) =>
  applyDecorators(
    SetMetadata(REQUIRED_ROLE, role),
    UseGuards(AdminAuthGuard),
    ApiBearerAuth('admin'),
    ApiErrorResponses({
      401: 'UNAUTHORIZED: missing or unknown API key',
      403: 'FORBIDDEN: the key’s role is too weak',
    }),
  );

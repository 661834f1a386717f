import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AdminRole } from '@huashu/config';
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
    ApiUnauthorizedResponse({ description: 'missing or unknown API key' }),
    ApiForbiddenResponse({ description: 'the key’s role is too weak' }),
  );

import { Module } from '@nestjs/common';
import { ComplianceModule } from '@huashu/compliance';
import { AdminAuthGuard } from '../auth/index.js';
import { ComplianceController } from './compliance.controller.js';

/** POST /v1/admin/compliance/check and the lexicon/policy/audit admin routes. */
@Module({ imports: [ComplianceModule], controllers: [ComplianceController], providers: [AdminAuthGuard] })
export class ComplianceHttpModule {}

import { Module } from '@nestjs/common';
import { COMPLIANCE_CHECKER } from './compliance.port.js';
import { ComplianceService } from './compliance.service.js';
import { ComplianceStore } from './store/compliance.store.js';

/**
 * The compliance engine for a host app: COMPLIANCE_CHECKER for the dialogue pipeline (input and
 * output screening), ComplianceService for streaming screens and the admin endpoints. Needs the
 * global config, Redis, metrics and readiness providers of OpsModule.
 */
@Module({
  providers: [ComplianceStore, ComplianceService, { provide: COMPLIANCE_CHECKER, useExisting: ComplianceService }],
  exports: [COMPLIANCE_CHECKER, ComplianceService],
})
export class ComplianceModule {}

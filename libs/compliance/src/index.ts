export {
  COMPLIANCE_CHECKER,
  type ComplianceChecker,
  type ComplianceHit,
  type ComplianceResult,
  type Direction,
  type Verdict,
} from './compliance.port.js';

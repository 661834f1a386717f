export {
  COMPLIANCE_CHECKER,
  type CheckOptions,
  type ComplianceAction,
  type ComplianceChecker,
  type ComplianceHit,
  type ComplianceResult,
  type Direction,
  type PolicyOverride,
  type Verdict,
  VERDICTS,
} from './compliance.port.js';
export { ComplianceModule } from './compliance.module.js';
export { ComplianceService, DEFAULT_COMPLIANCE_CAMPAIGN, type VersionedView } from './compliance.service.js';
export { ComplianceEngine } from './engine/compliance-engine.js';
export { ComplianceStream, type StreamUpdate } from './engine/compliance-stream.js';
export {
  COMPLIANCE_CATEGORIES,
  lexiconDocumentSchema,
  loadDefaultLexicon,
  PII_CATEGORIES,
  type LexiconDocument,
} from './engine/lexicon.js';
export { FLAG_GAP, isHan, isLatinOrDigit, normalize, viewString, type NormalizedText } from './engine/normalizer.js';
export { gb11643Valid, luhnValid } from './engine/pii-detectors.js';
export { englishWords } from './engine/typo-corrector.js';
export {
  loadDefaultPolicy,
  mergePolicies,
  POLICY_ACTIONS,
  type CompliancePolicy,
  type PolicyAction,
} from './engine/policy.js';
export { COMPLIANCE_KEYS, type AuditRecord } from './store/compliance.store.js';

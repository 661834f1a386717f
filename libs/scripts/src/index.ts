export {
  SCRIPT_MATCHER,
  type MatchOutcome,
  type MatchQuery,
  type Script,
  type ScriptMatch,
  type ScriptMatcherPort,
  type ScriptStage,
} from './script-matcher.port.js';
export { ScriptsModule } from './scripts.module.js';
export {
  ScriptLibraryService,
  type Actor,
  type ImportMode,
  type ImportResult,
  type ScriptWithEtag,
} from './library/script-library.service.js';
export { type ScriptAuditEntry, type VersionMeta } from './library/script-library.repository.js';
export {
  CAMPAIGN_ID_PATTERN,
  SCRIPT_ID_PATTERN,
  SCRIPT_LIMITS,
  SCRIPT_STAGES,
  scriptInputSchema,
  type ScriptInput,
} from './library/script.schema.js';
export { ScriptMatcherService } from './matcher/script-matcher.service.js';
export { BUILT_IN_SLOTS, fillSlots, placeholdersOf, slotValue, withoutSilent } from './matcher/slots.js';
export {
  PUBLISH_WARNING_CODES,
  publishWarnings,
  type PublishWarning,
  type PublishWarningCode,
} from './index/publish-warnings.js';
export { EXACT_SEARCH_MAX, LibraryIndexService, type LoadedLibrary } from './index/library-index.service.js';
export { LibraryPublisher } from './index/library-publisher.service.js';
export { ExactVectorIndex } from './index/exact-vector-index.js';
export { BruteforceVectorIndex, encodeBruteforceFile } from './index/bruteforce-vector-index.adapter.js';
export { bundleKey, decodeBundle, encodeBundle, type LibraryBundle } from './index/library-bundle.js';
export { DefaultVectorIndexFactory, HNSW_DEFAULTS, HnswVectorIndex } from './index/hnsw-vector-index.adapter.js';
export {
  VECTOR_INDEX_FACTORY,
  type LoadedVectorIndex,
  type VectorHit,
  type VectorIndex,
  type MutableIndexKind,
  type VectorIndexFactory,
  type VectorIndexKind,
  type VectorIndexOptions,
} from './index/vector-index.port.js';
export { ThresholdSweepService } from './threshold/threshold-sweep.service.js';
export {
  renderSweepHtml,
  sweepThreshold,
  type LabelledPair,
  type ScoredPair,
  type SweepPoint,
  type SweepResult,
} from './threshold/threshold-sweep.js';
export { parseRows, SampleCampaignSeeder } from './seed/sample-campaign.seeder.js';

import { Module } from '@nestjs/common';
import { CampaignsModule } from '@huashu/campaigns';
import { EmbeddingModule } from '@huashu/embedding';
import { DefaultVectorIndexFactory } from './index/hnsw-vector-index.adapter.js';
import { LibraryIndexService } from './index/library-index.service.js';
import { LibraryPublisher } from './index/library-publisher.service.js';
import { VECTOR_INDEX_FACTORY } from './index/vector-index.port.js';
import { ScriptLibraryRepository } from './library/script-library.repository.js';
import { ScriptLibraryService } from './library/script-library.service.js';
import { ScriptMatcherService } from './matcher/script-matcher.service.js';
import { SCRIPT_MATCHER } from './script-matcher.port.js';
import { SampleCampaignSeeder } from './seed/sample-campaign.seeder.js';
import { ThresholdSweepService } from './threshold/threshold-sweep.service.js';

/**
 * The script library: store, published indexes, matcher (SCRIPT_MATCHER), threshold sweeps, and the
 * sample-campaign seed. Needs the global Redis/config/metrics modules (OpsModule).
 */
@Module({
  imports: [CampaignsModule, EmbeddingModule],
  providers: [
    ScriptLibraryRepository,
    ScriptLibraryService,
    { provide: VECTOR_INDEX_FACTORY, useClass: DefaultVectorIndexFactory },
    LibraryIndexService,
    LibraryPublisher,
    ScriptMatcherService,
    { provide: SCRIPT_MATCHER, useExisting: ScriptMatcherService },
    ThresholdSweepService,
    SampleCampaignSeeder,
  ],
  exports: [
    SCRIPT_MATCHER,
    ScriptMatcherService,
    ScriptLibraryService,
    LibraryIndexService,
    LibraryPublisher,
    ThresholdSweepService,
  ],
})
export class ScriptsModule {}

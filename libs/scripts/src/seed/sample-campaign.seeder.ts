import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CampaignService, DEFAULT_CAMPAIGN_ID } from '@huashu/campaigns';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import type { OnRedisDataLost } from '@huashu/redis';
import { LibraryIndexService } from '../index/library-index.service.js';
import { LibraryPublisher } from '../index/library-publisher.service.js';
import { ScriptLibraryRepository, SCRIPT_KEYS } from '../library/script-library.repository.js';
import { ScriptLibraryService } from '../library/script-library.service.js';

/** Who the seed's audit entries name. */
const SEED_ACTOR = { keyId: 'seed:sample-campaign' };
const SEED_LOCK_MS = 60_000;

/** Parse a JSON array or JSON Lines text into rows; throws with the line number of a bad line. */
export function parseRows(body: string): unknown[] {
  const trimmed = body.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown[];
  return trimmed
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter((l) => l.line !== '')
    .map((l) => {
      try {
        return JSON.parse(l.line) as unknown;
      } catch {
        throw new Error(`line ${l.n} is not JSON`);
      }
    });
}

/**
 * At gateway start: load the sample campaign (`DATA_DIR/campaigns/default`) into an empty Redis
 * when SEED_SAMPLE_CAMPAIGN is true — settings, scripts, first published version — then start the
 * index (subscribe, load published libraries). A lock makes sure only one of several gateways
 * seeds; a flag makes it happen once per Redis. After Redis lost its data (RedisDataWatch), the same
 * again: the flag went with the data, so one gateway seeds anew and every one reloads its indexes.
 */
@Injectable()
export class SampleCampaignSeeder implements OnApplicationBootstrap, OnRedisDataLost {
  private readonly logger = new Logger('SampleCampaign');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ScriptLibraryRepository,
    private readonly library: ScriptLibraryService,
    private readonly campaigns: CampaignService,
    private readonly index: LibraryIndexService,
    private readonly publisher: LibraryPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seedIfConfigured();
    await this.index.start();
  }

  /** Redis lost its data (the index forgot its libraries first): seed again, then reload what is published. */
  async restoreRedisData(): Promise<void> {
    await this.seedIfConfigured();
    await this.index.resync();
  }

  private async seedIfConfigured(): Promise<void> {
    if (!this.config.dialogue.seedSampleCampaign) return;
    try {
      await this.seed(DEFAULT_CAMPAIGN_ID);
    } catch (err) {
      this.logger.error(`seeding the sample campaign failed: ${(err as Error).message}`);
    }
  }

  /** Returns true when this call seeded. */
  async seed(c: string): Promise<boolean> {
    if (await this.repo.flag(SCRIPT_KEYS.seeded(c))) return false;
    if (!(await this.repo.tryLock(SCRIPT_KEYS.seedLock, SEED_LOCK_MS))) return false;
    try {
      const ids = await this.library.draftIds(c);
      const { versions } = await this.library.versions(c);
      if (ids.length > 0 || versions.length > 0) {
        await this.repo.setFlag(SCRIPT_KEYS.seeded(c));
        return false;
      }
      const dir = join(this.config.paths.data, 'campaigns', c);
      const settings = JSON.parse(await readFile(join(dir, 'campaign.json'), 'utf8')) as Record<string, unknown>;
      const rows = parseRows(await readFile(join(dir, 'scripts.jsonl'), 'utf8'));
      await this.campaigns.update(c, settings, SEED_ACTOR);
      await this.library.import(c, rows, 'replace', SEED_ACTOR);
      const meta = await this.publisher.publish(c, SEED_ACTOR);
      await this.repo.setFlag(SCRIPT_KEYS.seeded(c));
      this.logger.log(`sample campaign ${c}: ${rows.length} scripts published as version ${meta.version}`);
      return true;
    } finally {
      await this.repo.unlock(SCRIPT_KEYS.seedLock);
    }
  }
}

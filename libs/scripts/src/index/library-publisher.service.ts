import { Injectable } from '@nestjs/common';
import { CampaignService, scriptReferences } from '@huashu/campaigns';
import { HuashuException } from '@huashu/common';
import { ScriptLibraryService, type Actor } from '../library/script-library.service.js';
import type { VersionMeta } from '../library/script-library.repository.js';
import { ScriptMatcherService } from '../matcher/script-matcher.service.js';
import { LibraryIndexService } from './library-index.service.js';
import { publishWarnings, rolledBackDraftWarning, type PublishWarning } from './publish-warnings.js';

/**
 * Publish = stage an immutable version, prepare its index here (a copy of the draft index, or an
 * exact index, or for a large library not indexed yet its vectors with a brute-force index whose
 * HNSW graph follows in the background; shared with the other gateways through Redis), then make
 * it current and announce it. Announcing only after the preparation means every gateway swaps by
 * loading, not by re-embedding. A publish that fails before its version is current removes it.
 */
@Injectable()
export class LibraryPublisher {
  constructor(
    private readonly library: ScriptLibraryService,
    private readonly index: LibraryIndexService,
    private readonly matcher: ScriptMatcherService,
    private readonly campaigns: CampaignService,
  ) {}

  /**
   * Publish the draft. The answer lists `warnings` (`publishWarnings`): settings that name a script
   * the version lacks or has disabled, placeholders nothing fills. They do not stop the publish.
   */
  async publish(
    campaignId: string,
    actor: Actor,
  ): Promise<VersionMeta & { previous: number; warnings: PublishWarning[] }> {
    const meta = await this.library.stage(campaignId, actor);
    let previous: number;
    try {
      await this.index.prepare(campaignId, meta.version, meta.draftRev);
      await this.requireCatchAll(campaignId, meta.version);
      previous = await this.library.activate(campaignId, meta.version, actor);
    } catch (err) {
      // Nothing half-written: a version that never became current is removed (its number stays
      // unused), so it is neither listed nor a rollback target.
      await this.library.discard(campaignId, meta.version).catch(() => undefined);
      throw err;
    }
    await this.index.activate(campaignId, meta.version);
    const warnings = await this.warnings(campaignId, meta.version);
    const rolledBack = rolledBackDraftWarning(meta, previous, (await this.library.versions(campaignId)).versions);
    return { ...meta, previous, warnings: rolledBack ? [...warnings, rolledBack] : warnings };
  }

  /** `publishWarnings` for a version: its loaded (enabled) scripts, and which named ones it holds disabled. */
  private async warnings(campaignId: string, version: number): Promise<PublishWarning[]> {
    const [lib, campaign] = await Promise.all([
      this.index.version(campaignId, version),
      this.campaigns.get(campaignId),
    ]);
    // The loaded library leaves disabled scripts out: read the few named ones it lacks, one each.
    const absent = [...new Set(scriptReferences(campaign).map((r) => r.scriptId))].filter((id) => !lib.byId.has(id));
    const disabled = new Set<string>();
    for (const id of absent) {
      const found = await this.library.get(campaignId, id, version).catch((err: unknown) => {
        if (err instanceof HuashuException && err.code === 'NOT_FOUND') return undefined;
        throw err;
      });
      if (found && !found.script.enabled) disabled.add(id);
    }
    return publishWarnings(campaign, lib.scripts, disabled);
  }

  /**
   * Make an earlier version current again, if it still has a catch-all fallback: the campaign's
   * `defaultFallbackScriptId` may have changed since it was published.
   */
  async rollback(campaignId: string, version: number, actor: Actor): Promise<{ version: number; previous: number }> {
    if (!(await this.library.hasVersion(campaignId, version))) {
      throw new HuashuException('NOT_FOUND', `version ${version} of ${campaignId} does not exist`);
    }
    await this.requireCatchAll(campaignId, version, `version ${version} of ${campaignId}`);
    return this.library.rollback(campaignId, version, actor);
  }

  /**
   * A library goes live only with a catch-all fallback (an enabled `fallback` script with neither
   * intent nor stage, or the campaign's `defaultFallbackScriptId`): without one, a turn that matches
   * nothing would have no approved text to say.
   */
  private async requireCatchAll(
    campaignId: string,
    version: number,
    what = `the draft of ${campaignId}`,
  ): Promise<void> {
    try {
      await this.matcher.resolveFallback(campaignId, { version });
    } catch (err) {
      if (!(err instanceof HuashuException && err.code === 'NOT_FOUND')) throw err;
      throw new HuashuException(
        'UNPROCESSABLE',
        `${what} has no catch-all fallback script (fallback: true with neither intent nor stage, ` +
          'or the campaign’s defaultFallbackScriptId); a turn that matches nothing would have nothing approved to say',
      );
    }
  }
}

import { scriptReferences, type Campaign } from '@huashu/campaigns';
import type { VersionMeta } from '../library/script-library.repository.js';
import type { Script } from '../script-matcher.port.js';
import { BUILT_IN_SLOTS, placeholdersOf, slotValue } from '../matcher/slots.js';

/** Codes of the warnings a publish answers with (`warnings` of POST /v1/admin/scripts/publish). */
export const PUBLISH_WARNING_CODES = {
  /** A setting names a script the published version does not have. */
  scriptMissing: 'SCRIPT_MISSING',
  /** A setting names a script the published version has disabled (never said). */
  scriptDisabled: 'SCRIPT_DISABLED',
  /** Enabled scripts use a placeholder no campaign slot and no built-in slot fills. */
  unknownSlot: 'UNKNOWN_SLOT',
  /** The campaign transfers (a route, the fallback escalation) but sets no `transferTarget`. */
  transferTargetMissing: 'TRANSFER_TARGET_MISSING',
  /** The draft published is unchanged since a version a rollback took out of service. */
  rolledBackDraft: 'ROLLED_BACK_DRAFT',
} as const;

export type PublishWarningCode = (typeof PUBLISH_WARNING_CODES)[keyof typeof PUBLISH_WARNING_CODES];

/** Something the version goes live with that a call would find out about (publish still succeeds). */
export interface PublishWarning {
  code: PublishWarningCode;
  message: string;
  /** The campaign setting (`goodbyeScriptId`, `followOns.x`) for the script warnings. */
  field?: string;
  scriptId?: string;
  /** The placeholder, for UNKNOWN_SLOT. */
  slot?: string;
  /** For UNKNOWN_SLOT: the scripts that use it (the first `MAX_SCRIPT_IDS`), and how many in all. */
  scriptIds?: string[];
  count?: number;
  /** For TRANSFER_TARGET_MISSING: what transfers (intents of the route table, `fallbackEscalation`). */
  transfers?: string[];
  /** For ROLLED_BACK_DRAFT: the version rolled back from that this one repeats. */
  version?: number;
}

/**
 * ROLLED_BACK_DRAFT when the version just published (`published`, live instead of `previous`) was made
 * from the same draft revision as a later version than `previous`: one a rollback took out of service.
 * A rollback leaves the draft as it was, so a publish with no edit since puts that content back.
 */
export function rolledBackDraftWarning(
  published: VersionMeta,
  previous: number,
  versions: readonly VersionMeta[],
): PublishWarning | undefined {
  // Nothing to say when it repeats what was live anyway (the rolled-back-from version was itself a re-publish).
  if (versions.some((v) => v.version === previous && v.draftRev === published.draftRev)) return undefined;
  const repeated = versions
    .filter((v) => v.version !== published.version && v.version > previous && v.draftRev === published.draftRev)
    .at(-1);
  if (!repeated) return undefined;
  return {
    code: PUBLISH_WARNING_CODES.rolledBackDraft,
    version: repeated.version,
    message:
      `version ${published.version} is the draft of version ${repeated.version} unchanged, which a rollback to ` +
      `version ${previous} took out of service: that content is live again (roll back to ${previous}, or start ` +
      `the draft from it: export ?version=${previous}, import ?mode=replace)`,
  };
}

/**
 * What in a campaign's settings ends a turn with a transfer: the intents whose route (or one of its
 * stages) transfers, and `fallbackEscalation` when N fallbacks in a row transfer.
 */
export function transfersOf(campaign: Campaign): string[] {
  const out = Object.entries(campaign.routes)
    .filter(
      ([, rule]) =>
        rule !== undefined &&
        (rule.action === 'transfer' || Object.values(rule.byStage ?? {}).some((t) => t?.action === 'transfer')),
    )
    .map(([intent]) => intent);
  if (campaign.fallbackEscalation === 'transfer') out.push('fallbackEscalation');
  return out;
}

/** Script ids listed per unknown slot; `count` says how many there are. */
const MAX_SCRIPT_IDS = 20;

/**
 * What a publish warns about, given the version's enabled scripts (`enabled`: what a loaded library
 * holds; holes allowed) and `disabled`, the ids the version holds disabled (a loaded library leaves them
 * out, so the caller reads them): settings that name a script the version lacks or has disabled (a
 * campaign PUT is checked against the draft when it is made, but the settings may predate the
 * scripts, or a script may be disabled later), and placeholders that nothing fills: at run time such
 * a slot is left out of the sentence (the missing-slot rule of `fillSlots`), which for a campaign
 * value like `{price}` says less than the script meant. One warning per unknown slot name, so the
 * answer stays small for any library size.
 */
export function publishWarnings(
  campaign: Campaign,
  enabled: readonly (Script | undefined)[],
  disabled: ReadonlySet<string> = new Set(),
): PublishWarning[] {
  const byId = new Map<string, Script>();
  for (const s of enabled) if (s) byId.set(s.id, s);
  const warnings: PublishWarning[] = [];
  for (const ref of scriptReferences(campaign)) {
    if (byId.has(ref.scriptId)) continue;
    if (!disabled.has(ref.scriptId)) {
      warnings.push({
        code: PUBLISH_WARNING_CODES.scriptMissing,
        field: ref.field,
        scriptId: ref.scriptId,
        message: `${ref.field} names script ${ref.scriptId}, which this version does not have`,
      });
    } else {
      warnings.push({
        code: PUBLISH_WARNING_CODES.scriptDisabled,
        field: ref.field,
        scriptId: ref.scriptId,
        message: `${ref.field} names script ${ref.scriptId}, which is disabled in this version`,
      });
    }
  }
  const transfers = campaign.transferTarget === undefined ? transfersOf(campaign) : [];
  if (transfers.length > 0) {
    warnings.push({
      code: PUBLISH_WARNING_CODES.transferTargetMissing,
      field: 'transferTarget',
      transfers,
      message:
        `${transfers.join(', ')} transfer (and so does the DTMF agent key on the phone), but the campaign sets no ` +
        'transferTarget: AudioCodes, Genesys, generic events and REST get the transfer without a target (their ' +
        'flow must route it); on Twilio <Gather> the caller hears the failed-transfer apology and the call goes on; ' +
        'a ConversationRelay handoff without a target is hung up by huashu’s voice webhook',
    });
  }
  const filled = new Set(BUILT_IN_SLOTS);
  for (const values of [campaign.slots, ...Object.values(campaign.slotsByLanguage)]) {
    for (const [name, value] of Object.entries(values ?? {})) if (slotValue(value) !== '') filled.add(name);
  }
  const unknown = new Map<string, string[]>();
  for (const script of byId.values()) {
    for (const slot of placeholdersOf(script.text)) {
      if (filled.has(slot)) continue;
      const users = unknown.get(slot) ?? [];
      users.push(script.id);
      unknown.set(slot, users);
    }
  }
  for (const [slot, users] of unknown) {
    warnings.push({
      code: PUBLISH_WARNING_CODES.unknownSlot,
      slot,
      scriptIds: users.slice(0, MAX_SCRIPT_IDS),
      count: users.length,
      message:
        `{${slot}} is neither a built-in slot (${BUILT_IN_SLOTS.join(', ')}) nor one of the campaign’s slots: ` +
        `${users.length} script(s) would say it as nothing`,
    });
  }
  return warnings;
}

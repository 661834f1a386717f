export type Direction = 'input' | 'output';
export const VERDICTS = ['allow', 'redact', 'block'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One finding; `start`/`end` are UTF-16 offsets into the ORIGINAL text. */
export interface ComplianceHit {
  category: string;
  match: string;
  start: number;
  end: number;
}

/** `text` is the original with every `redact` hit masked (equal to the input when allowed). */
export interface ComplianceResult {
  verdict: Verdict;
  text: string;
  hits: ComplianceHit[];
}

export type ComplianceAction = 'block' | 'redact' | 'flag';

/** category → action overrides per direction (the campaign document's `compliance` section). */
export interface PolicyOverride {
  input?: Record<string, ComplianceAction>;
  output?: Record<string, ComplianceAction>;
}

export interface CheckOptions {
  /** Layered over the engine default and the campaign's stored policy, per category. */
  policy?: PolicyOverride;
}

/** Port of the compliance engine; `campaignId` selects the campaign's policy and lexicons. */
export interface ComplianceChecker {
  check(text: string, direction: Direction, campaignId?: string, options?: CheckOptions): Promise<ComplianceResult>;
}

export const COMPLIANCE_CHECKER = Symbol('ComplianceChecker');

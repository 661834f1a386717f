import type { ComplianceHit, ComplianceResult } from '@huashu/compliance';
import type { GenerateResult } from '@huashu/generator';
import type { MatchOutcome } from '@huashu/scripts';
import type { Reply } from '../turn-result.js';

/** What a route proposes for the turn (DESIGN §1 steps 5-7), before fallback and record. */
export interface Candidate {
  reply?: Reply;
  generator?: {
    model: string;
    finishReason: GenerateResult['finishReason'] | 'failed';
    latencyMs: number;
    candidate?: string;
    /** Sampling parameters the backend cannot honour: not sent (recorded, never silently dropped). */
    ignoredParams?: string[];
    /** A reasoning model's thinking, dropped before compliance and the match: its length only. */
    thinking?: { strippedChars: number };
    /** The campaign example (`intentExamples.byScript`) whose script the prompt showed first. */
    answerExample?: { scriptId: string; text: string; similarity: number };
  };
  output: { verdict: ComplianceResult['verdict']; hits: ComplianceHit[] };
  match?: Pick<MatchOutcome, 'threshold' | 'libraryVersion'> & { best?: number };
  /**
   * A script the customer heard that the generator prompt quoted first, since it answers the utterance
   * better than every unheard one (the question asked again): said again, it is no broken record.
   */
  again?: string;
}

/** One generated text after output compliance and the script match. */
export type Approval = Omit<Candidate, 'generator'> & { checked?: string };

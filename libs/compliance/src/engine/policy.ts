import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Direction, Verdict } from '../compliance.port.js';
import { findComplianceDataDir } from './lexicon.js';

export const POLICY_ACTIONS = { block: 'block', redact: 'redact', flag: 'flag' } as const;
export type PolicyAction = keyof typeof POLICY_ACTIONS;

const action = z.enum(['block', 'redact', 'flag']);
const categoryActions = z.record(z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), action);

/** category → action, per direction. Categories missing from a policy are flagged. */
export const policySchema = z.strictObject({
  input: categoryActions.default({}),
  output: categoryActions.default({}),
});
export type CompliancePolicy = z.infer<typeof policySchema>;
export type DirectionPolicy = Record<string, PolicyAction>;

/** Reads data/compliance/policy.yaml, the engine's default policy. */
export function loadDefaultPolicy(dataDir?: string): CompliancePolicy {
  const file = join(findComplianceDataDir(dataDir), 'policy.yaml');
  if (!existsSync(file)) return { input: {}, output: {} };
  return policySchema.parse(parse(readFileSync(file, 'utf8')));
}

/** Layers policies: later ones win per category (default ← stored campaign ← caller override). */
export function mergePolicies(...layers: (Partial<CompliancePolicy> | undefined)[]): CompliancePolicy {
  const out: CompliancePolicy = { input: {}, output: {} };
  for (const layer of layers) {
    if (!layer) continue;
    Object.assign(out.input, layer.input ?? {});
    Object.assign(out.output, layer.output ?? {});
  }
  return out;
}

export const actionFor = (policy: CompliancePolicy, direction: Direction, category: string): PolicyAction =>
  policy[direction][category] ?? 'flag';

/** block beats redact beats allow; flagged hits are reported without changing the verdict. */
export function verdictOf(actions: Iterable<PolicyAction>): Verdict {
  let verdict: Verdict = 'allow';
  for (const a of actions) {
    if (a === 'block') return 'block';
    if (a === 'redact') verdict = 'redact';
  }
  return verdict;
}

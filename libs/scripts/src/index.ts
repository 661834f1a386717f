export {
  SCRIPT_MATCHER,
  type MatchOutcome,
  type MatchQuery,
  type Script,
  type ScriptMatch,
  type ScriptMatcherPort,
  type ScriptStage,
} from './script-matcher.port.js';

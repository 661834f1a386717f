export { CLOCK, systemClock, type Clock } from './clock.js';
export { ERROR_CODES, type ErrorCode } from './error-codes.js';
export { HuashuException } from './huashu.exception.js';
export { MetricsModule, MetricsRegistry, type MetricsSnapshot } from './metrics.js';
export { nowMs, onDeadline, withDeadline } from './deadline.js';
export { pushStream } from './push-stream.js';
export { ReadinessModule, ReadinessRegistry, type ReadinessCheck } from './readiness.js';
export {
  RESERVED_SCRIPT_TAGS,
  acknowledgesHold,
  apologisesForTransfer,
  asksToConfirm,
  calmsAbuse,
  disclosesBot,
  isReservedScript,
  namesCallbackTime,
} from './script-tags.js';

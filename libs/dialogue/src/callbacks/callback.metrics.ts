import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '@huashu/common';

/** Why a callback was dropped: the number is on the campaign's do-not-call list. */
export const CALLBACK_DROP_REASONS = { doNotCall: 'do_not_call' } as const;

/**
 * Where a callback was dropped: `listing` (its job was removed when the number was listed), `schedule`
 * (the number was listed already when the turn decided it, so nothing was scheduled) or `delivery` (the
 * worker found the number listed when the job fell due, a listing by another path or a job the listing
 * could not remove).
 */
export const CALLBACK_DROP_STAGES = { listing: 'listing', schedule: 'schedule', delivery: 'delivery' } as const;
export type CallbackDropStage = (typeof CALLBACK_DROP_STAGES)[keyof typeof CALLBACK_DROP_STAGES];

const DROPPED = 'huashu_dialogue_callbacks_dropped_total';

/**
 * Metrics of scheduled callbacks, on the process registry: the gateway counts the callbacks a listing
 * removed, the worker those it refused to deliver. One counter for both, as one app may host both modules.
 */
@Injectable()
export class CallbackMetrics {
  readonly dropped: Counter<'reason' | 'stage'>;

  constructor(metrics: MetricsRegistry) {
    this.dropped =
      (metrics.registry.getSingleMetric(DROPPED) as Counter<'reason' | 'stage'> | undefined) ??
      new Counter({
        name: DROPPED,
        help: 'Callbacks not delivered to the dialer, by reason (do_not_call) and stage (listing, schedule, delivery)',
        labelNames: ['reason', 'stage'],
        registers: [metrics.registry],
      });
  }
}

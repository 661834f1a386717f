import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Circuit states as exported on `huashu_generator_breaker_state`. */
export const BREAKER_STATE_VALUE = { closed: 0, open: 1, half_open: 2 } as const;
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUE;

function once<T>(registry: Registry, name: string, make: () => T): T {
  // The gateway (facade) and an in-process worker module may both ask for the metrics in one process.
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Prometheus metrics of the generator lib, registered on the process's MetricsRegistry. */
export class GeneratorMetrics {
  readonly requests: Counter<'provider' | 'outcome'>;
  readonly latency: Histogram<'provider'>;
  readonly retries: Counter<'provider'>;
  readonly breakerState: Gauge<'backend'>;
  readonly breakerTransitions: Counter<'backend' | 'state'>;
  readonly queueWait: Histogram;
  readonly queueDiscarded: Counter<'reason'>;
  readonly queueRoundTrip: Histogram<'outcome'>;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.requests = once(
      registry,
      'huashu_generator_requests_total',
      () =>
        new Counter({
          name: 'huashu_generator_requests_total',
          help: 'Generations by provider and outcome (ok or the error kind).',
          labelNames: ['provider', 'outcome'],
          registers,
        }),
    );
    this.latency = once(
      registry,
      'huashu_generator_latency_seconds',
      () =>
        new Histogram({
          name: 'huashu_generator_latency_seconds',
          help: 'Generation latency, provider side.',
          labelNames: ['provider'],
          buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5],
          registers,
        }),
    );
    this.retries = once(
      registry,
      'huashu_generator_retries_total',
      () =>
        new Counter({
          name: 'huashu_generator_retries_total',
          help: 'Retries of generation requests.',
          labelNames: ['provider'],
          registers,
        }),
    );
    this.breakerState = once(
      registry,
      'huashu_generator_breaker_state',
      () =>
        new Gauge({
          name: 'huashu_generator_breaker_state',
          help: 'Circuit breaker per backend: 0 closed, 1 open, 2 half-open.',
          labelNames: ['backend'],
          // Turn threads keep their own breakers: /metrics shows the worst (metrics.ts, addSource).
          aggregator: 'max',
          registers,
        }),
    );
    this.breakerTransitions = once(
      registry,
      'huashu_generator_breaker_transitions_total',
      () =>
        new Counter({
          name: 'huashu_generator_breaker_transitions_total',
          help: 'Circuit breaker state changes per backend.',
          labelNames: ['backend', 'state'],
          registers,
        }),
    );
    this.queueWait = once(
      registry,
      'huashu_generation_queue_wait_seconds',
      () =>
        new Histogram({
          name: 'huashu_generation_queue_wait_seconds',
          help: 'Time a generation job waited in the queue before a worker took it.',
          buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
          registers,
        }),
    );
    this.queueDiscarded = once(
      registry,
      'huashu_generation_jobs_discarded_total',
      () =>
        new Counter({
          name: 'huashu_generation_jobs_discarded_total',
          help: 'Generation jobs dropped without running (stale: past their deadline).',
          labelNames: ['reason'],
          registers,
        }),
    );
    this.queueRoundTrip = once(
      registry,
      'huashu_generation_queue_roundtrip_seconds',
      () =>
        new Histogram({
          name: 'huashu_generation_queue_roundtrip_seconds',
          help: 'Enqueue to result, as the waiting gateway sees it.',
          labelNames: ['outcome'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5],
          registers,
        }),
    );
  }

  /** Queue depth gauge; `collect` reads BullMQ counts at scrape time (no timer). */
  registerQueueDepth(counts: () => Promise<Record<string, number>>): void {
    if (this.registry.getSingleMetric('huashu_generation_queue_depth')) return;
    new Gauge({
      name: 'huashu_generation_queue_depth',
      help: 'Generation jobs by state (waiting, active, delayed, prioritized).',
      labelNames: ['state'],
      // Every registry of the process reads the same queue: merged, it is counted once.
      aggregator: 'max',
      registers: [this.registry],
      async collect() {
        try {
          const c = await counts();
          for (const [state, n] of Object.entries(c)) this.set({ state }, n);
        } catch {
          // Redis down: keep the last values; readiness reports the outage.
        }
      },
    });
  }
}

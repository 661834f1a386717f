import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '@huashu/common';

/**
 * Prometheus metrics of the turn pipeline, on the process registry. The `stage` label of the duration
 * histogram takes the TurnResult.timingsMs keys (classify, generate, comply: input screening and the output
 * check together, match, total) plus record.
 */
@Injectable()
export class DialogueMetrics {
  readonly stage: Histogram<'stage'>;
  readonly turns: Counter<'intent' | 'route' | 'action' | 'degraded'>;
  readonly exampleIntents: Counter<'intent'>;
  readonly answerExamples: Counter<'intent'>;

  constructor(metrics: MetricsRegistry) {
    this.stage = new Histogram({
      name: 'huashu_dialogue_stage_duration_seconds',
      help: 'Duration of each turn pipeline stage (total = whole turn under the lock)',
      labelNames: ['stage'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [metrics.registry],
    });
    this.turns = new Counter({
      name: 'huashu_dialogue_turns_total',
      help: 'Turns by intent, route, action and whether they were degraded to a fallback',
      labelNames: ['intent', 'route', 'action', 'degraded'],
      registers: [metrics.registry],
    });
    this.exampleIntents = new Counter({
      name: 'huashu_dialogue_intent_examples_total',
      help: 'Turns the intent model put out of scope that a campaign intent example gave an intent',
      labelNames: ['intent'],
      registers: [metrics.registry],
    });
    this.answerExamples = new Counter({
      name: 'huashu_dialogue_answer_examples_total',
      help: 'Generator-route turns whose prompt quoted first the script of a campaign example (intentExamples.byScript)',
      labelNames: ['intent'],
      registers: [metrics.registry],
    });
  }
}

import { Global, Inject, Injectable, Module, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry, ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { INFERENCE_RUNTIME, OnnxRuntimeAdapter, type InferenceRuntime } from '@huashu/ml';
import { INTENT_CLASSIFIER } from './intent-classifier.port.js';
import { intentModelDir, OnnxIntentClassifier } from './runtime/onnx-intent-classifier.adapter.js';

/** Owns the classifier's lifecycle: load and watch at start, release at shutdown; readiness check. */
@Injectable()
export class IntentModelLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(INTENT_CLASSIFIER) private readonly classifier: OnnxIntentClassifier,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.classifier.start();
    this.readiness?.register({
      name: 'intent-model',
      check: () => Promise.resolve({ ...this.classifier.status() }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.classifier.stop();
  }
}

/**
 * Binds INTENT_CLASSIFIER to the ONNX adapter (model from INTENT_MODEL_PATH or MODELS_DIR/intent,
 * precision INTENT_MODEL_PRECISION). Global, so the dialogue pipeline and the admin API share one
 * loaded model.
 */
@Global()
@Module({
  providers: [
    { provide: INFERENCE_RUNTIME, useClass: OnnxRuntimeAdapter },
    {
      provide: INTENT_CLASSIFIER,
      useFactory: (config: AppConfig, runtime: InferenceRuntime, metrics?: MetricsRegistry) => {
        const options = { dir: intentModelDir(config), precision: config.intent.precision };
        // Hosts without the ops stack (a bare testing module) get the classifier without metrics.
        if (!metrics) return new OnnxIntentClassifier(runtime, options);
        const registers = [metrics.registry];
        const duration = new Histogram({
          name: 'huashu_intent_classify_duration_seconds',
          help: 'Intent classification time per call (featurise + ONNX run).',
          buckets: [0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05],
          registers,
        });
        const predictions = new Counter({
          name: 'huashu_intent_predictions_total',
          help: 'Classified utterances by chosen intent.',
          labelNames: ['intent'],
          registers,
        });
        const classifier: OnnxIntentClassifier = new OnnxIntentClassifier(runtime, {
          ...options,
          onClassified: (ps, seconds) => {
            duration.observe(seconds);
            for (const p of ps) predictions.inc({ intent: p.name });
          },
        });
        new Gauge({
          name: 'huashu_intent_model_reloads',
          help: 'Hot reloads of the intent model since start.',
          registers,
          // Each turn thread reloads its own copy of the model: merged, the most any copy saw.
          aggregator: 'max',
          collect() {
            this.set(classifier.status().reloads);
          },
        });
        return classifier;
      },
      inject: [APP_CONFIG, INFERENCE_RUNTIME, { token: MetricsRegistry, optional: true }],
    },
    IntentModelLifecycle,
  ],
  exports: [INTENT_CLASSIFIER],
})
export class IntentModule {}

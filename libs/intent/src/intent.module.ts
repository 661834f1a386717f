import { Global, Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@huashu/common';
import { APP_CONFIG, type AppConfig } from '@huashu/config';
import { INFERENCE_RUNTIME, OnnxRuntimeAdapter, type InferenceRuntime } from '@huashu/ml';
import { INTENT_CLASSIFIER } from './intent-classifier.port.js';
import { intentModelDir, OnnxIntentClassifier } from './runtime/onnx-intent-classifier.adapter.js';

/** Owns the classifier's lifecycle: load and watch at start, release at shutdown; readiness check. */
@Injectable()
export class IntentModelLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(INTENT_CLASSIFIER) private readonly classifier: OnnxIntentClassifier,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.classifier.start();
    this.readiness.register({
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
      useFactory: (config: AppConfig, runtime: InferenceRuntime) =>
        new OnnxIntentClassifier(runtime, { dir: intentModelDir(config), precision: config.intent.precision }),
      inject: [APP_CONFIG, INFERENCE_RUNTIME],
    },
    IntentModelLifecycle,
  ],
  exports: [INTENT_CLASSIFIER],
})
export class IntentModule {}

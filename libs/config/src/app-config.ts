import { envSchema, type AdminRole, type Env } from './env.schema.js';

/** Typed, grouped configuration handed to the rest of the code. Nothing else reads process.env. */
export interface AppConfig {
  env: Env['NODE_ENV'];
  http: { port: number; host: string; bodyLimitBytes: number; shutdownGraceMs: number };
  worker: { port: number };
  log: { level: Env['LOG_LEVEL'] };
  redis: { url: string; keyPrefix: string; connectTimeoutMs: number; dataCheckIntervalMs: number };
  auth: { adminKeys: { key: string; role: AdminRole }[]; chatKeys: string[] };
  paths: { models: string; data: string; indexes: string };
  intent: { precision: Env['INTENT_MODEL_PRECISION']; modelPath?: string };
  embedder: {
    provider: Env['EMBEDDER_PROVIDER'];
    modelPath?: string;
    baseUrl?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    maxRetries: number;
    batchSize: number;
    dim?: number;
  };
  generator: {
    provider: Env['GENERATOR_PROVIDER'];
    mode: Env['GENERATOR_MODE'];
    baseUrl?: string;
    apiKey?: string;
    model?: string;
    backend: Env['LLM_BACKEND'];
    /** Ask the model not to think, where the backend has a switch (LLM_DISABLE_THINKING). */
    disableThinking: boolean;
    /** Where a reasoning model's thinking starts in its reply (LLM_THINKING). */
    thinking: Env['LLM_THINKING'];
    concurrency: number;
    rateMax: number;
    rateDurationMs: number;
  };
  dialogue: {
    sessionTtlSeconds: number;
    sessionCacheSize: number;
    /** Worker threads that run plain turns (0: in the event loop). */
    turnThreads: number;
    deadlines: { phoneMs: number; restMs: number };
    seedSampleCampaign: boolean;
    dialerWebhookUrl?: string;
    dialerWebhookSecret?: string;
    dialerWebhookTimeoutMs: number;
    callbackDefaultDelaySeconds: number;
    lockWaitMs: number;
    transcriptRetentionSeconds: number;
  };
  telephony: {
    twilioAuthToken?: string;
    /** <Gather> speech recognition model and hints, <Say> voice per speech language (Twilio). */
    twilioSpeech: { model?: string; hints?: string; voices: Record<string, string> };
    publicBaseUrl?: string;
    audiocodesBotToken?: string;
    genesysSecretHeader?: string;
    genesysSecret?: string;
  };
}

/** A bad environment: lists each variable and the rule it broke, never the value. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: { variable: string; rule: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.rule}`).join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parse and validate an environment into the grouped config; throws ConfigValidationError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset" so `FOO= npm start` falls back to the default. A value of spaces is a
  // mistake, not a value, for every variable of the schema (the free-text ones too: MODELS_DIR='  ' or an
  // LLM_MODEL of spaces passed their checks); other variables of the environment are not ours to judge.
  const blank = Object.keys(envSchema.shape).filter((name) => {
    const v = source[name];
    return v !== undefined && v !== '' && v.trim() === '';
  });
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([name, v]) => v !== undefined && v !== '' && !blank.includes(name)),
  );
  const parsed = envSchema.safeParse(cleaned);
  if (blank.length > 0 || !parsed.success) {
    throw new ConfigValidationError([
      ...blank.map((variable) => ({ variable, rule: 'must not be blank' })),
      ...(parsed.error?.issues ?? []).map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        // zod messages never include the input value for the checks used here
        rule: issue.message,
      })),
    ]);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, bodyLimitBytes: e.BODY_LIMIT_BYTES, shutdownGraceMs: e.SHUTDOWN_GRACE_MS },
    worker: { port: e.WORKER_PORT },
    log: { level: e.LOG_LEVEL },
    redis: {
      url: e.REDIS_URL,
      keyPrefix: e.REDIS_KEY_PREFIX,
      connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
      dataCheckIntervalMs: e.REDIS_DATA_CHECK_INTERVAL_MS,
    },
    auth: { adminKeys: e.ADMIN_API_KEYS, chatKeys: e.CHAT_API_KEYS },
    paths: { models: e.MODELS_DIR, data: e.DATA_DIR, indexes: e.INDEX_DIR },
    intent: { precision: e.INTENT_MODEL_PRECISION, modelPath: e.INTENT_MODEL_PATH },
    embedder: {
      provider: e.EMBEDDER_PROVIDER,
      modelPath: e.EMBEDDER_MODEL_PATH,
      baseUrl: e.EMBEDDINGS_BASE_URL,
      apiKey: e.EMBEDDINGS_API_KEY,
      model: e.EMBEDDINGS_MODEL,
      timeoutMs: e.EMBEDDINGS_TIMEOUT_MS,
      maxRetries: e.EMBEDDINGS_MAX_RETRIES,
      batchSize: e.EMBEDDINGS_BATCH_SIZE,
      dim: e.EMBEDDINGS_DIM,
    },
    generator: {
      provider: e.GENERATOR_PROVIDER,
      mode: e.GENERATOR_MODE,
      baseUrl: e.LLM_BASE_URL,
      apiKey: e.LLM_API_KEY,
      model: e.LLM_MODEL,
      backend: e.LLM_BACKEND,
      disableThinking: e.LLM_DISABLE_THINKING,
      thinking: e.LLM_THINKING,
      concurrency: e.GENERATION_CONCURRENCY,
      rateMax: e.GENERATION_RATE_MAX,
      rateDurationMs: e.GENERATION_RATE_DURATION_MS,
    },
    dialogue: {
      sessionTtlSeconds: e.SESSION_TTL_SECONDS,
      sessionCacheSize: e.SESSION_CACHE_SIZE,
      turnThreads: e.DIALOGUE_TURN_THREADS,
      deadlines: { phoneMs: e.TURN_DEADLINE_PHONE_MS, restMs: e.TURN_DEADLINE_REST_MS },
      seedSampleCampaign: e.SEED_SAMPLE_CAMPAIGN,
      dialerWebhookUrl: e.DIALER_WEBHOOK_URL,
      dialerWebhookSecret: e.DIALER_WEBHOOK_SECRET,
      dialerWebhookTimeoutMs: e.DIALER_WEBHOOK_TIMEOUT_MS,
      callbackDefaultDelaySeconds: e.CALLBACK_DEFAULT_DELAY_SECONDS,
      lockWaitMs: e.CONVERSATION_LOCK_WAIT_MS,
      transcriptRetentionSeconds: e.TRANSCRIPT_RETENTION_SECONDS,
    },
    telephony: {
      twilioAuthToken: e.TWILIO_AUTH_TOKEN,
      twilioSpeech: { model: e.TWILIO_SPEECH_MODEL, hints: e.TWILIO_SPEECH_HINTS, voices: e.TWILIO_VOICES },
      publicBaseUrl: e.PUBLIC_BASE_URL,
      audiocodesBotToken: e.AUDIOCODES_BOT_TOKEN,
      genesysSecretHeader: e.GENESYS_SECRET_HEADER,
      genesysSecret: e.GENESYS_SECRET,
    },
  };
}

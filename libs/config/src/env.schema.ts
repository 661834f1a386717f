import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Roles an admin API key can carry, strongest first. */
export const ADMIN_ROLES = ['admin', 'editor', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const INTENT_PRECISIONS = ['fp32', 'fp16', 'int8'] as const;

/**
 * A whole number written in decimal digits. `z.coerce.number()` alone reads a blank value as 0
 * (`PORT=' '` listened on a random port, `WORKER_PORT=' '` silently turned the worker's health port
 * off) and takes `0x10` or `1e3`.
 */
const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
/**
 * Node's timers take at most 2^31-1 ms; a longer delay fires after 1 ms (TimeoutOverflowWarning), so
 * REDIS_CONNECT_TIMEOUT_MS=3000000000 failed start-up at once with "cannot reach Redis".
 */
const MAX_TIMER_MS = 2_147_483_647;
const port = int(0, 65535);
const positiveInt = int(1, Number.MAX_SAFE_INTEGER);
/**
 * BODY_LIMIT_BYTES applies to every gateway route without its own limit, the unauthenticated chat and
 * telephony routes included, and Fastify buffers a body whole in memory, then parses it on the event
 * loop. No route needs more than the script import's own route-level 16 MiB (SCRIPT_LIMITS in
 * @huashu/scripts), so a larger global limit is a typo (a value in bits or an extra digit) that would
 * let any client pin that much memory per request.
 */
const MAX_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
/** A duration in milliseconds that a timer waits for. */
const ms = int(1, MAX_TIMER_MS);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
// Every URL the services call or are called at is HTTP(S) (z.url() alone takes ftp: or javascript:).
const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const adminKeys = z.string().transform((raw, ctx) => {
  const keys: { key: string; role: AdminRole }[] = [];
  for (const [i, pair] of raw.split(',').entries()) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const at = trimmed.lastIndexOf(':');
    const key = trimmed.slice(0, at);
    const role = trimmed.slice(at + 1);
    if (at <= 0 || !(ADMIN_ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({
        code: 'custom',
        message: `entry ${i + 1} must be key:role with role one of ${ADMIN_ROLES.join('|')}`,
      });
      return z.NEVER;
    }
    if (key.length < 16) {
      ctx.addIssue({ code: 'custom', message: `entry ${i + 1}: key must be at least 16 characters` });
      return z.NEVER;
    }
    keys.push({ key, role: role as AdminRole });
  }
  return keys;
});

/**
 * The one environment schema. Every variable the services read is listed here with its default;
 * the README's configuration table is generated from the `describe()` texts
 * (`npm run docs:config`).
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('Runtime mode.'),
    PORT: port.default(3000).describe('Gateway HTTP port.'),
    HOST: z.string().trim().min(1, 'must not be blank').default('0.0.0.0').describe('Gateway bind address.'),
    WORKER_PORT: port.default(3001).describe('Worker health/metrics HTTP port (0 disables it).'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('pino log level.'),
    BODY_LIMIT_BYTES: int(1, MAX_BODY_LIMIT_BYTES)
      .default(65536)
      .describe(
        `Largest accepted request body (bytes) on gateway routes without their own limit; larger ones get 413. At most ${MAX_BODY_LIMIT_BYTES} (16 MiB). The worker's HTTP server (health, metrics) takes no body: a POST, PUT, PATCH or DELETE body of more than one byte (Fastify's smallest limit) gets 413 unread; GET ignores a body.`,
      ),
    SHUTDOWN_GRACE_MS: int(1, 3_600_000)
      .default(10000)
      .describe(
        'How long shutdown waits for in-flight requests, then again for queues and connections to close; past both the process exits 1.',
      ),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .default('redis://127.0.0.1:6379')
      .describe('Redis connection URL.'),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+:$/, 'must be letters, digits, _ . - : and end with ":"')
      .default('huashu:')
      .describe('Prefix of every Redis key and queue.'),
    REDIS_CONNECT_TIMEOUT_MS: ms.default(5000).describe('Redis connect timeout.'),
    REDIS_DATA_CHECK_INTERVAL_MS: ms
      .default(5000)
      .describe(
        'How often each process checks, besides after every reconnect, that Redis still holds its data marker and its latest check (a loss or a rollback is logged, counted and recovered from; a rollback that takes back only writes since every process last checked goes unnoticed).',
      ),
    ADMIN_API_KEYS: adminKeys
      .default([])
      .describe(
        'Admin API keys as key:role pairs, comma-separated (roles admin, editor, viewer; keys of at least 16 characters).',
      ),
    CHAT_API_KEYS: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((k) => k.trim())
          .filter((k) => k !== ''),
      )
      .describe('Optional chat API keys (comma-separated); when set, chat routes need Bearer one of them.'),
    MODELS_DIR: z.string().min(1).default('models').describe('Directory holding the shipped models.'),
    DATA_DIR: z.string().min(1).default('data').describe('Directory holding the sample campaign and corpora.'),
    INDEX_DIR: z
      .string()
      .min(1)
      .default('tmp/indexes')
      .describe('Directory of persisted script-library vector indexes (keyed by embedder model; safe to delete).'),
    INTENT_MODEL_PRECISION: z.enum(INTENT_PRECISIONS).default('int8').describe('Which exported intent model to load.'),
    INTENT_MODEL_PATH: z.string().optional().describe('Override: path to an intent model directory.'),
    EMBEDDER_PROVIDER: z.enum(['builtin', 'onnx', 'openai']).default('builtin').describe('Embedding adapter.'),
    EMBEDDER_MODEL_PATH: z
      .string()
      .optional()
      .describe(
        'ONNX sentence-transformer directory (model.onnx + tokenizer.json). Required when EMBEDDER_PROVIDER=onnx.',
      ),
    EMBEDDINGS_BASE_URL: url
      .optional()
      .describe('OpenAI-compatible /v1 base URL. Required when EMBEDDER_PROVIDER=openai.'),
    EMBEDDINGS_API_KEY: z.string().optional().describe('API key for the embeddings server.'),
    EMBEDDINGS_MODEL: z.string().optional().describe('Embedding model name. Required when EMBEDDER_PROVIDER=openai.'),
    EMBEDDINGS_TIMEOUT_MS: ms.default(2000).describe('Embeddings request timeout.'),
    EMBEDDINGS_MAX_RETRIES: int(0, 10)
      .default(2)
      .describe('Retries (with exponential backoff) of a failed or timed-out embeddings request.'),
    EMBEDDINGS_BATCH_SIZE: int(1, 2048)
      .default(64)
      .describe('Texts per /v1/embeddings request; larger inputs are split into batches.'),
    EMBEDDINGS_DIM: positiveInt
      .optional()
      .describe('Expected embedding dimension of the embeddings server (checked; probed at start-up when unset).'),
    GENERATOR_PROVIDER: z
      .enum(['retrieval', 'openai'])
      .default('retrieval')
      .describe('retrieval (offline) or openai (OpenAI-compatible server).'),
    GENERATOR_MODE: z
      .enum(['queue', 'inprocess'])
      .default('queue')
      .describe('Run generation on the BullMQ queue (worker) or in the gateway process.'),
    LLM_BASE_URL: url
      .optional()
      .describe('OpenAI-compatible server base URL (…/v1). Required when GENERATOR_PROVIDER=openai.'),
    LLM_API_KEY: z.string().optional().describe('API key for the LLM server.'),
    LLM_MODEL: z.string().optional().describe('Model name on the LLM server. Required when GENERATOR_PROVIDER=openai.'),
    LLM_BACKEND: z
      .enum(['openai', 'vllm', 'tgi', 'llamacpp', 'ollama'])
      .default('openai')
      .describe('Which server family LLM_BASE_URL is, to map sampling parameters it honours.'),
    LLM_DISABLE_THINKING: bool
      .default(false)
      .describe(
        'Ask reasoning models not to think: vLLM and llama.cpp chat_template_kwargs.enable_thinking=false (Qwen3), Ollama reasoning_effort=none; thinking in the reply is dropped either way.',
      ),
    LLM_THINKING: z
      .enum(['auto', 'prompt', 'tags'])
      .default('auto')
      .describe(
        'Where a reasoning model starts thinking: auto (a leading <think> block, or text before a </think> without an opening tag; streamed replies without <think> are held until </think> or their end, until the first reply the model finishes shows which of the other two fits it; a learned rule is re-learned when later replies contradict it, its system_fingerprint changes or the server restarts), prompt (the template opens it, e.g. DeepSeek-R1, QwQ: all until </think>), tags (only a leading <think> block, or no thinking: streams at once).',
      ),
    GENERATION_CONCURRENCY: int(1, 256)
      .default(8)
      .describe('Generation jobs a worker runs at once (one BullMQ Worker and two Redis connections each).'),
    GENERATION_RATE_MAX: positiveInt
      .default(50)
      .describe('Generation jobs per GENERATION_RATE_DURATION_MS per worker.'),
    GENERATION_RATE_DURATION_MS: ms.default(1000).describe('Rate-limit window for generation jobs.'),
    SESSION_TTL_SECONDS: positiveInt.default(3600).describe('Conversation session time-to-live.'),
    SESSION_CACHE_SIZE: int(0, Number.MAX_SAFE_INTEGER)
      .default(10000)
      .describe(
        'Sessions a gateway keeps in memory after its own commits, so a turn costs one Redis round trip (0 turns it off).',
      ),
    DIALOGUE_TURN_THREADS: z
      .union([z.literal('auto'), int(0, 16)], { error: 'must be auto or a whole number from 0 to 16' })
      .default('auto')
      .transform((v) => (v === 'auto' ? (availableParallelism() > 1 ? availableParallelism() : 0) : v))
      .describe(
        'Worker threads that run REST turns off the gateway event loop, each with its own models and session cache: auto or 0–16; auto: one per CPU on a host with 2 or more, else 0 (turns in the event loop).',
      ),
    TURN_DEADLINE_PHONE_MS: ms.default(1500).describe('Default turn deadline for phone channels.'),
    TURN_DEADLINE_REST_MS: ms.default(5000).describe('Default turn deadline for REST chat.'),
    SEED_SAMPLE_CAMPAIGN: bool.default(true).describe('Load the sample campaign on an empty Redis at start-up.'),
    DIALER_WEBHOOK_URL: url.optional().describe('Dialer webhook that receives scheduled callbacks.'),
    DIALER_WEBHOOK_SECRET: z.string().optional().describe('HMAC secret for dialer webhook signatures.'),
    DIALER_WEBHOOK_TIMEOUT_MS: ms.default(5000).describe('Timeout of one dialer webhook POST.'),
    CALLBACK_DEFAULT_DELAY_SECONDS: positiveInt
      .default(7200)
      .describe('Callback delay when a busy customer names no time.'),
    CONVERSATION_LOCK_WAIT_MS: ms
      .default(5000)
      .describe('How long a turn waits for the conversation lock before 409 CONVERSATION_BUSY.'),
    TRANSCRIPT_RETENTION_SECONDS: positiveInt
      .default(30 * 24 * 3600)
      .describe('How long transcripts and audit streams are kept.'),
    TWILIO_AUTH_TOKEN: z.string().optional().describe('Twilio auth token for X-Twilio-Signature validation.'),
    TWILIO_SPEECH_MODEL: z
      .string()
      .max(100)
      .optional()
      .describe('Twilio Gather speechModel (e.g. phone_call, googlev2_telephony); Twilio picks when unset.'),
    TWILIO_SPEECH_HINTS: z
      .string()
      .max(10_000)
      .optional()
      .describe('Twilio Gather hints: comma-separated words and phrases callers are likely to say.'),
    TWILIO_VOICES: z
      .string()
      .default('')
      .transform((s, ctx) => {
        const voices: Record<string, string> = {};
        for (const pair of s
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')) {
          const [lang, voice] = pair.split('=').map((x) => x.trim());
          if (!lang || !voice) {
            ctx.addIssue({ code: 'custom', message: 'expected language=voice pairs, comma-separated' });
            return z.NEVER;
          }
          voices[lang] = voice;
        }
        return voices;
      })
      .describe('Twilio Say voice per speech language as language=voice pairs (e.g. zh-CN=Polly.Zhiyu).'),
    PUBLIC_BASE_URL: url
      .optional()
      .describe('Public URL the platforms call (used for Twilio signatures behind a proxy).'),
    AUDIOCODES_BOT_TOKEN: z.string().optional().describe('Bearer token AudioCodes VoiceAI Connect sends.'),
    GENESYS_SECRET_HEADER: z
      .string()
      .optional()
      .describe('Header name carrying the Genesys Bot Connector secret (set together with GENESYS_SECRET).'),
    GENESYS_SECRET: z.string().optional().describe('Genesys Bot Connector connection secret.'),
  })
  .superRefine((env, ctx) => {
    if (env.GENERATOR_PROVIDER === 'openai') {
      for (const name of ['LLM_BASE_URL', 'LLM_MODEL'] as const) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'required when GENERATOR_PROVIDER=openai' });
      }
    }
    if (env.EMBEDDER_PROVIDER === 'openai') {
      for (const name of ['EMBEDDINGS_BASE_URL', 'EMBEDDINGS_MODEL'] as const) {
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'required when EMBEDDER_PROVIDER=openai' });
      }
    }
    if (env.EMBEDDER_PROVIDER === 'onnx' && !env.EMBEDDER_MODEL_PATH) {
      ctx.addIssue({ code: 'custom', path: ['EMBEDDER_MODEL_PATH'], message: 'required when EMBEDDER_PROVIDER=onnx' });
    }
    if (Boolean(env.GENESYS_SECRET_HEADER) !== Boolean(env.GENESYS_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['GENESYS_SECRET'],
        message: 'GENESYS_SECRET_HEADER and GENESYS_SECRET go together',
      });
    }
  });

export type Env = z.output<typeof envSchema>;

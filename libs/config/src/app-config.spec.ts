import { availableParallelism } from 'node:os';
import { ConfigValidationError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.redis.keyPrefix).toBe('huashu:');
    expect(c.generator.provider).toBe('retrieval');
    expect(c.auth.adminKeys).toEqual([]);
    expect(c.http.bodyLimitBytes).toBe(65536);
  });

  it('turn threads: auto is one per CPU on a multi-core host and 0 on one core; a number is taken as it is', () => {
    expect(loadConfig({}).dialogue.turnThreads).toBe(availableParallelism() > 1 ? availableParallelism() : 0);
    expect(loadConfig({ DIALOGUE_TURN_THREADS: 'auto' }).dialogue.turnThreads).toBe(
      loadConfig({}).dialogue.turnThreads,
    );
    expect(loadConfig({ DIALOGUE_TURN_THREADS: '0' }).dialogue.turnThreads).toBe(0);
    expect(loadConfig({ DIALOGUE_TURN_THREADS: '3' }).dialogue.turnThreads).toBe(3);
  });

  it('parses admin keys with roles', () => {
    const c = loadConfig({ ADMIN_API_KEYS: 'aaaaaaaaaaaaaaaa:admin, bbbbbbbbbbbbbbbb:viewer' });
    expect(c.auth.adminKeys).toEqual([
      { key: 'aaaaaaaaaaaaaaaa', role: 'admin' },
      { key: 'bbbbbbbbbbbbbbbb', role: 'viewer' },
    ]);
  });

  const failures: [string, Record<string, string>, string][] = [
    ['port out of range', { PORT: '70000' }, 'PORT'],
    ['turn threads not a count', { DIALOGUE_TURN_THREADS: 'many' }, 'DIALOGUE_TURN_THREADS'],
    ['turn threads too many', { DIALOGUE_TURN_THREADS: '17' }, 'DIALOGUE_TURN_THREADS'],
    ['turn threads fractional', { DIALOGUE_TURN_THREADS: '1.5' }, 'DIALOGUE_TURN_THREADS'],
    ['port not a number', { PORT: 'eighty' }, 'PORT'],
    ['redis url scheme', { REDIS_URL: 'http://secret-host:6379' }, 'REDIS_URL'],
    ['prefix without colon', { REDIS_KEY_PREFIX: 'huashu' }, 'REDIS_KEY_PREFIX'],
    ['unknown role', { ADMIN_API_KEYS: 'supersecretkey-123456:root' }, 'ADMIN_API_KEYS'],
    ['short key', { ADMIN_API_KEYS: 'short:admin' }, 'ADMIN_API_KEYS'],
    ['openai without base url', { GENERATOR_PROVIDER: 'openai', LLM_MODEL: 'm' }, 'LLM_BASE_URL'],
    ['openai without model', { GENERATOR_PROVIDER: 'openai', LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, 'LLM_MODEL'],
    ['bad precision', { INTENT_MODEL_PRECISION: 'fp64' }, 'INTENT_MODEL_PRECISION'],
    ['bad log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['port in hex', { PORT: '0x10' }, 'PORT'],
    ['port in exponent notation', { PORT: '1e3' }, 'PORT'],
    ['negative retries', { EMBEDDINGS_MAX_RETRIES: '-1' }, 'EMBEDDINGS_MAX_RETRIES'],
    // Longer than a Node timer can wait: it would fire after 1 ms.
    ['redis connect timeout over 2^31-1 ms', { REDIS_CONNECT_TIMEOUT_MS: '3000000000' }, 'REDIS_CONNECT_TIMEOUT_MS'],
    ['lock wait over 2^31-1 ms', { CONVERSATION_LOCK_WAIT_MS: '2147483648' }, 'CONVERSATION_LOCK_WAIT_MS'],
    ['turn deadline over 2^31-1 ms', { TURN_DEADLINE_PHONE_MS: '9999999999' }, 'TURN_DEADLINE_PHONE_MS'],
    ['body limit over 16 MiB', { BODY_LIMIT_BYTES: '16777217' }, 'BODY_LIMIT_BYTES'],
    ['shutdown grace over an hour', { SHUTDOWN_GRACE_MS: '3600001' }, 'SHUTDOWN_GRACE_MS'],
    ['webhook URL that is not HTTP', { DIALER_WEBHOOK_URL: 'ftp://dialer.example.com/cb' }, 'DIALER_WEBHOOK_URL'],
    ['LLM URL that is not HTTP', { LLM_BASE_URL: 'file:///etc/passwd' }, 'LLM_BASE_URL'],
    [
      'generation concurrency over 256 (two Redis connections each)',
      { GENERATION_CONCURRENCY: '257' },
      'GENERATION_CONCURRENCY',
    ],
  ];

  /** What `loadConfig(env)` throws, or undefined when it takes `env`. */
  const thrownBy = (env: Record<string, string>): unknown => {
    try {
      loadConfig(env);
      return undefined;
    } catch (e) {
      return e;
    }
  };

  it.each(failures)('rejects %s, naming the variable but never its value', (_label, env, variable) => {
    const error = thrownBy(env);
    expect(error).toBeInstanceOf(ConfigValidationError);
    const err = error as ConfigValidationError;
    expect(err.problems.map((p) => p.variable)).toContain(variable);
    const offending = env[variable];
    if (offending) expect(err.message).not.toContain(offending);
  });

  it.each([
    ['PORT'],
    ['WORKER_PORT'],
    ['SHUTDOWN_GRACE_MS'],
    ['DIALOGUE_TURN_THREADS'],
    ['HOST'],
    // Free text: a blank directory, model name, key list or secret was taken as given.
    ['MODELS_DIR'],
    ['INDEX_DIR'],
    ['LLM_MODEL'],
    ['ADMIN_API_KEYS'],
    ['CHAT_API_KEYS'],
    ['TWILIO_AUTH_TOKEN'],
  ])('rejects a blank %s (spaces are not a value), naming it', (variable) => {
    // Empty means unset (the default); only spaces used to read as 0 (a random port, no worker health port).
    expect(thrownBy({ [variable]: '' })).toBeUndefined();
    const error = thrownBy({ [variable]: '  ' });
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems.map((p) => p.variable)).toEqual([variable]);
  });

  it('judges only its own variables: blank ones elsewhere in the environment are no concern of it', () => {
    expect(thrownBy({ PS1: '  ', SOME_OTHER_TOOL_SETTING: ' ' })).toBeUndefined();
  });

  it('takes the longest timer Node can wait and whole numbers with surrounding spaces', () => {
    const c = loadConfig({ CONVERSATION_LOCK_WAIT_MS: '2147483647', PORT: ' 8080 ' });
    expect(c.dialogue.lockWaitMs).toBe(2147483647);
    expect(c.http.port).toBe(8080);
  });
});

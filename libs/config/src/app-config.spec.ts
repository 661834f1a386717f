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
    [
      'generation concurrency over 256 (two Redis connections each)',
      { GENERATION_CONCURRENCY: '257' },
      'GENERATION_CONCURRENCY',
    ],
  ];

  it.each(failures)('rejects %s, naming the variable but never its value', (_label, env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const err = error as ConfigValidationError;
    expect(err.problems.map((p) => p.variable)).toContain(variable);
    const offending = env[variable];
    if (offending) expect(err.message).not.toContain(offending);
  });
});

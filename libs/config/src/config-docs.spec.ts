import { readFileSync } from 'node:fs';
import { configTableMarkdown, withConfigTable } from './config-docs.js';

describe('configuration docs', () => {
  it('lists every variable of the schema with its default', () => {
    const table = configTableMarkdown();
    expect(table).toContain('| `REDIS_URL` | Redis connection URL. | `^rediss?:\\/\\/` | `redis://127.0.0.1:6379` |');
    expect(table).toContain('| `PORT` |');
    expect(table).toContain('| `ADMIN_API_KEYS` |');
  });

  it('gives the values each variable takes, as the schema checks them: ranges, enums, booleans as written', () => {
    const row = (name: string) =>
      configTableMarkdown()
        .split('\n')
        .find((r) => r.startsWith(`| \`${name}\` |`));
    expect(row('EMBEDDINGS_BATCH_SIZE')).toMatch(/ \| 1–2048 \| `64` \|$/);
    expect(row('SHUTDOWN_GRACE_MS')).toMatch(/ \| 1–3600000 \| `10000` \|$/);
    expect(row('SESSION_CACHE_SIZE')).toMatch(/ \| ≥ 0 \| `10000` \|$/);
    expect(row('LOG_LEVEL')).toMatch(/ \| `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent` \| `info` \|$/);
    expect(row('SEED_SAMPLE_CAMPAIGN')).toMatch(/ \| `0`, `1`, `true`, `false`, `yes`, `no` \| `true` \|$/);
    expect(row('LLM_BASE_URL')).toMatch(/ \| http:\/\/ or https:\/\/ URL \| — \|$/);
    expect(row('TWILIO_SPEECH_MODEL')).toMatch(/ \| ≤ 100 characters \| — \|$/);
  });

  it('README.md carries the current table (run `npm run docs:config` after changing the schema)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });
});

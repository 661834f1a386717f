import { readFileSync } from 'node:fs';
import { configTableMarkdown, withConfigTable } from './config-docs.js';

describe('configuration docs', () => {
  it('lists every variable of the schema with its default', () => {
    const table = configTableMarkdown();
    expect(table).toContain('| `REDIS_URL` | Redis connection URL. | `redis://127.0.0.1:6379` |');
    expect(table).toContain('| `PORT` |');
    expect(table).toContain('| `ADMIN_API_KEYS` |');
  });

  it('README.md carries the current table (run `npm run docs:config` after changing the schema)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(withConfigTable(readme)).toBe(readme);
  });
});

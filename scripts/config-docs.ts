// `npm run docs:config`: regenerate the configuration table in README.md from the env schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '@huashu/config';

const file = 'README.md';
const before = readFileSync(file, 'utf8');
const after = withConfigTable(before);
if (after !== before) writeFileSync(file, after);
process.stdout.write(
  after !== before ? 'README.md configuration table updated\n' : 'README.md configuration table up to date\n',
);

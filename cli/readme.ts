/**
 * `npm run readme`: regenerates the example outputs in README.md from real runs of the built
 * CLI (cli/readmeExamples.ts says how examples are marked), and the scenario tables of the
 * protocol READMEs from real runs (cli/readmeTables.ts). Run it after a change that moves an
 * output, such as a change to the fuzzer, a protocol or a report; test/readme.test.ts fails
 * until it is run.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { updateExamples } from './readmeExamples.js';
import { updateTables } from './readmeTables.js';

const root = packageRoot();

function rewrite(path: string, update: (text: string) => string): void {
  const file = join(root, path);
  const before = readFileSync(file, 'utf8');
  const after = update(before);
  if (after !== before) {
    writeFileSync(`${file}.tmp`, after);
    renameSync(`${file}.tmp`, file);
  }
  process.stdout.write(`${path}: ${after === before ? 'already current' : 'regenerated'}\n`);
}

rewrite('README.md', (text) => updateExamples(text, root));
for (const protocol of readdirSync(join(root, 'protocols')).sort()) {
  const path = `protocols/${protocol}/README.md`;
  let text: string;
  try {
    text = readFileSync(join(root, path), 'utf8');
  } catch {
    continue; // not a protocol folder
  }
  if (text.includes('<!-- scenario-table:')) rewrite(path, (t) => updateTables(t, root));
}

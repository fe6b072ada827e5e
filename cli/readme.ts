/**
 * `npm run readme`: regenerates the example outputs in README.md from real runs of the built
 * CLI (cli/readmeExamples.ts says how examples are marked). Run it after a change that moves
 * an output, such as a change to the fuzzer, a protocol or a report; test/readme.test.ts
 * fails until it is run.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { updateExamples } from './readmeExamples.js';

const root = packageRoot();
const file = join(root, 'README.md');
const before = readFileSync(file, 'utf8');
const after = updateExamples(before, root);
writeFileSync(`${file}.tmp`, after);
renameSync(`${file}.tmp`, file);
process.stdout.write(after === before ? 'README.md: examples already current\n'
  : 'README.md: examples regenerated\n');

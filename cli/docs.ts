/**
 * `npm run docs`: writes the generated scenario documentation, scenarios/schema.json (for
 * editors) and docs/scenario-reference.md (for people), from the zod schema. A test fails
 * when either file is stale.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { scenarioReference, scenarioSchemaText } from '../runner/reference.js';
import { packageRoot } from './paths.js';

const root = packageRoot();
for (const [path, text] of [['scenarios/schema.json', scenarioSchemaText()],
  ['docs/scenario-reference.md', scenarioReference()]] as const) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`wrote ${path}\n`);
}

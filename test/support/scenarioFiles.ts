/**
 * Every scenario file below a folder (default scenarios/), sorted, for the tests over them:
 * `scenarioFiles` the runs of one protocol, `comparisonFiles` the comparisons of designs (a
 * `compare:` block: faultline compare), which test/compare/lessons.test.ts runs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isComparisonText } from '../../runner/compare/index.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

/** Scenario files of one protocol each. */
export function scenarioFiles(dir = 'scenarios'): string[] {
  return yamlFiles(dir).filter((f) => !isComparisonText(readFileSync(f, 'utf8')));
}

/** Comparison files. */
export function comparisonFiles(dir = 'scenarios'): string[] {
  return yamlFiles(dir).filter((f) => isComparisonText(readFileSync(f, 'utf8')));
}

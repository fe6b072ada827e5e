/** Every scenario file below a folder (default scenarios/), sorted, for the tests over them. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function scenarioFiles(dir = 'scenarios'): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return scenarioFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

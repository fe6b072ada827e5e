/**
 * A protocol's scenario files by name, and their runs, each made once per test file: the
 * protocol tests compare the figures of several scenarios and read some more than once.
 */
import { readFileSync } from 'node:fs';
import { loadScenario, type RunReport, runSpec, type RunSpec } from '../../runner/index.js';

/** The scenarios of `scenarios/<folder>/`: their specs, their runs, and metrics of the runs. */
export function scenarioRuns(folder: string) {
  const reports = new Map<string, RunReport>();
  const scenario = (name: string): RunSpec => {
    const file = `scenarios/${folder}/${name}.yaml`;
    return loadScenario(readFileSync(file, 'utf8'), file).spec;
  };
  const run = (name: string): RunReport => {
    let report = reports.get(name);
    if (report === undefined) {
      report = runSpec(scenario(name), { trace: 'off' });
      reports.set(name, report);
    }
    return report;
  };
  const metric = (name: string, key: string): number => run(name).metrics[key] ?? NaN;
  return { scenario, run, metric };
}

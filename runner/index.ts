/**
 * The runner: scenario specifications to engine runs and their reports. Shared by the CLI,
 * the fuzzer, the test suite and the visualizer, so it stays free of Node APIs.
 */
export { clusterIds, findProtocol, judge, LINEARIZABLE, type NotChecked, operatorOf,
  type PreparedRun, prepareRun, type RunReport, runSpec } from './run.js';
export type { Expectations, MetricBound, RunOptions, RunSpec } from './spec.js';
export { loadRaw, loadScenario, type LoadedScenario, type Raw, readScenarioYaml } from './load.js';
export { formatProblem, type Problem, ScenarioError } from './problems.js';
export { type Narrative, scenarioJsonSchema, scenarioSchema, type ScenarioFile } from './schema.js';
export { type ScenarioText, toScenarioYaml } from './scenarioYaml.js';

/**
 * Metrics never depend on which properties a scenario names: they come from the protocols'
 * observers, which see every event whatever is checked. Every bundled scenario runs as
 * written, then
 * - with nothing checked at all (every protocol wrapped so that it offers no property and no
 *   history model), up to the event at which the scenario's own run stopped; and
 * - as a user would narrow it, with `hold: [linearizable]` alone (or its last property alone),
 *   when the scenario ran to its end without a violation;
 * and each gives the same metrics. (scenarios/raft/leader-failure.yaml used to read
 * `leaders-elected` 0 under `hold: [linearizable]`, failing its own metric bound.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, type RunReport, runSpec, type RunSpec } from '../runner/index.js';
import { type AnyProtocol, protocols } from '../protocols/index.js';
import { scenarioFiles } from './support/scenarioFiles.js';

/** A protocol that checks nothing: no always or sometimes property, no history model. */
function uncheckedProtocol(protocol: AnyProtocol): AnyProtocol {
  return { ...protocol, setup: (setup) => {
    const { model: _model, ...instance } = protocol.setup(setup);
    return { ...instance, properties: [], promised: [] };
  } };
}

const unchecked: Record<string, AnyProtocol> = Object.fromEntries(
  Object.entries(protocols).map(([name, p]) => [name, uncheckedProtocol(p)]));

/** The spec with only its liveness phase (the heal it makes is part of what runs). */
function withoutProperties(spec: RunSpec, report: RunReport): RunSpec {
  const live = spec.expect?.liveness;
  // A safety violation stopped the run after its event: stop there too (its trace record is
  // the last of the run, and this run will not have it).
  const stoppedAt = report.result.violation?.kind === 'safety' ? report.result.events - 1
    : undefined;
  return { ...spec, expect: live === undefined ? {} : { liveness: live },
    ...(stoppedAt === undefined ? {} : { limits: { events: stoppedAt } }) };
}

/** A narrower selection a user could write, for a run that ended without a violation. */
function narrowed(spec: RunSpec, report: RunReport): RunSpec | undefined {
  if (report.violation !== undefined || spec.expect?.violate !== undefined) return undefined;
  const one = report.checked.includes('linearizable') ? 'linearizable' : report.checked.at(-1);
  if (one === undefined || report.checked.length < 2) return undefined;
  return { ...spec, expect: { ...spec.expect, hold: [one] } };
}

describe('metrics do not depend on the properties checked', () => {
  it.each(scenarioFiles())('%s', (file) => {
    const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
    const report = runSpec(spec, { trace: 'off' });
    const bare = runSpec(withoutProperties(spec, report), { trace: 'off' }, unchecked);
    expect(bare.checked).toEqual([]);
    expect(bare.metrics, `${file}: nothing checked`).toEqual(report.metrics);
    const narrow = narrowed(spec, report);
    if (narrow === undefined) return;
    const other = runSpec(narrow, { trace: 'off' });
    expect(other.checked.length).toBe(1);
    expect(other.metrics, `${file}: hold: [${other.checked[0]}]`).toEqual(report.metrics);
    expect(other.result.hash).toBe(report.result.hash);
  });
});

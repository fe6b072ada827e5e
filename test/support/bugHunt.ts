/**
 * The bug tests of every protocol: the plain campaign (`faultline fuzz <protocol> --bug <name>
 * --runs 200 --seed 1`, through runner/fuzz/hunt.ts, the same code) finds each bug switch of
 * the catalogue by a property its entry names; and each entry's teaching scenario violates the
 * property it names, and holds with the switch off, so the violation is the bug's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { clusterIds, loadScenario, runSpec } from '../../runner/index.js';
import { catchingProperties, hunt } from '../../runner/fuzz/index.js';

/** Runs within which the plain campaign must find each bug (issue 12's goal). */
export const HUNT_RUNS = 200;

const REGENERATE = '`npm run bench -- --only hunt --write-readmes`';

/** The hunt table's row for a bug in a protocol README (bench/hunt.ts writes the table). */
function huntTableRow(readme: string, protocol: string, bug: string):
{ violated: string; runs: number } | undefined {
  for (const line of readme.split('\n')) {
    const m = /^\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| (\d+) \|/.exec(line);
    if (m !== null && m[1] === protocol && m[2] === bug) {
      return { violated: m[3] as string, runs: Number(m[4]) };
    }
  }
  return undefined;
}

/** Describes the hunt and scenario tests of every bug switch of `protocol`. */
export function describeBugSwitches(protocol: AnyProtocol): void {
  describe(`${protocol.name}: bug switches`, () => {
    for (const bug of protocol.bugs) {
      const properties = catchingProperties(bug);
      it(`the plain campaign finds ${bug.name} by ${properties.join(' or ')} within ${
        HUNT_RUNS} runs (campaign seed 1), as the README's table says`, () => {
        const result = hunt(protocol, bug, { registry: protocols, seed: 1, runs: HUNT_RUNS,
          now: () => performance.now() });
        expect(result.found, `${bug.name} not found in ${HUNT_RUNS} runs`).toBe(true);
        expect(properties).toContain(result.violated);
        const readme = `protocols/${bug.scenario.split('/')[1] ?? ''}/README.md`;
        const row = huntTableRow(readFileSync(readme, 'utf8'), protocol.name, bug.name);
        expect(row, `${readme} has no hunt-table row for ${bug.name}: run ${REGENERATE}`)
          .toBeDefined();
        expect({ violated: row?.violated, runs: row?.runs },
          `${readme} is stale: run ${REGENERATE}`)
          .toEqual({ violated: result.violated, runs: result.runs });
      }, 600_000);

      it(`${bug.scenario} shows it, and holds with the switch off`, () => {
        const { spec } = loadScenario(readFileSync(bug.scenario, 'utf8'), bug.scenario);
        const shown = runSpec(spec, { trace: 'off' });
        expect(properties).toContain(spec.expect?.violate);
        expect(shown.violation?.name).toBe(spec.expect?.violate);
        expect(shown.failures).toEqual([]);
        // The same run without the switch breaks none of the bug's properties (its liveness
        // ones only where the scenario heals everything: a teaching scenario may not).
        const params = { ...(spec.params as object), bugs: [] };
        const { servers, clients } = clusterIds(spec);
        const live = new Set(protocol.setup({ servers, clients,
          params: protocol.params.parse(params), workload: spec.workload,
          clientsStopAt: undefined }).liveness.map((c) => c.name));
        // A liveness check among them is held only in the scenario's liveness phase, if any.
        const liveness = spec.expect?.liveness;
        const hold = properties.filter((name) => !live.has(name) || liveness !== undefined);
        const fixed = runSpec({ ...spec, params, expect: { hold,
          ...(liveness === undefined ? {} : { liveness }) } }, { trace: 'off' });
        expect(fixed.violation, `${bug.scenario} without ${bug.name}`).toBeUndefined();
      }, 120_000);
    }
  });
}

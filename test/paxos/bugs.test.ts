/**
 * Every bug switch of both Paxos protocols is found by the generated fault schedules of the
 * fuzz campaign within a stated number of runs, by the property its catalogue entry names;
 * and every bug's teaching scenario holds when the bug is switched off, so the violation it
 * shows is the bug's. The runs to first detection are printed and recorded in
 * protocols/paxos/README.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec } from '../../runner/index.js';
import { paxos, paxosSingle } from '../../protocols/paxos/definition.js';
import { hunt } from './support/hunt.js';

/** Runs allowed before a bug must have been found (the stated budget). */
const BUDGET = 40;

const switches = [
  ...paxos.bugs.map((b) => ({ protocol: 'paxos' as const, ...b })),
  ...paxosSingle.bugs.map((b) => ({ protocol: 'paxos-single' as const, ...b })),
];

describe('paxos: bug switches', () => {
  it.each(switches)('$protocol $name is caught by $caughtBy within the budget',
    ({ protocol, name, caughtBy }) => {
      const found = hunt(protocol, name, caughtBy, BUDGET);
      expect(found, `${protocol} ${name} not found in ${BUDGET} runs`).toBeDefined();
      console.log(`${protocol} ${name}: ${caughtBy} after ${found?.runs} run(s), ` +
        `seed ${found?.seed}: ${found?.explanation.slice(0, 160)}`);
      expect(found?.runs).toBeLessThanOrEqual(BUDGET);
    });

  it.each(switches)('$scenario shows $name, and holds without it', ({ scenario, name }) => {
    const { spec } = loadScenario(readFileSync(scenario, 'utf8'), scenario);
    const shown = runSpec(spec, { trace: 'off' });
    expect(shown.violation?.name).toBe(spec.expect?.violate);
    expect(shown.failures).toEqual([]);
    const params = { ...(spec.params as object), bugs: [] };
    const fixed = runSpec({ ...spec, params, expect: {} }, { trace: 'off' });
    expect(fixed.failures, `${scenario} without ${name}`).toEqual([]);
  });
});

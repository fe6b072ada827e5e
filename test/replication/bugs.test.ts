/**
 * replication: every bug switch is found by generated runs within a bounded number of runs,
 * by the property its catalogue entry names. The runs to first detection under seed 1 are
 * recorded in the protocol README; the budget leaves room for changes that shift them.
 */
import { describe, expect, it } from 'vitest';
import { replication } from '../../protocols/replication/definition.js';
import { REPLICATION_HUNTS, runsToFind } from './bugHunt.js';

const BUDGET = 60;

describe('replication: bug hunt', () => {
  it('hunts every bug in the catalogue, by the property the catalogue names', () => {
    expect(REPLICATION_HUNTS.map((h) => h.bug).sort())
      .toEqual(replication.bugs.map((b) => b.name).sort());
    for (const hunt of REPLICATION_HUNTS) {
      expect(replication.bugs.find((b) => b.name === hunt.bug)?.caughtBy).toBe(hunt.property);
    }
  });

  for (const hunt of REPLICATION_HUNTS) {
    it(`finds ${hunt.bug} through ${hunt.property} within ${BUDGET} runs`, () => {
      const runs = runsToFind(hunt, BUDGET);
      expect(runs, `${hunt.bug} not found in ${BUDGET} runs (seed 1)`).toBeDefined();
    }, 60_000);
  }
});

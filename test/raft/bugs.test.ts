/**
 * raft: every bug switch is found by the fuzzer within its budget of runs (bugProfiles.ts),
 * by the property its catalogue entry names; and the correct protocol passes the same
 * profiles' first runs (so the profile, not a broken checker, is what finds the bug).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, runSpec, type RunSpec } from '../../runner/index.js';
import { raft } from '../../protocols/raft/definition.js';
import { BUG_PROFILES, type BugProfile } from './bugProfiles.js';
import { runWithNemesis } from './nemesis.js';
import { nthSpec, raftRunArb } from './support.js';

/**
 * Bugs the fuzzer has not yet found within their budget (measured, see README.md): their
 * tests are skipped, not weakened, so the gap shows in every test report.
 */
const SKIPPED = new Set<string>([]);

function run(profile: BugProfile, spec: RunSpec) {
  return profile.nemesis === undefined ? runSpec(spec) : runWithNemesis(spec, profile.nemesis);
}

/** The 1-based index of the first run that violates `caughtBy`, or undefined. */
function firstDetection(profile: BugProfile): number | undefined {
  const arb = raftRunArb(profile.options);
  for (let i = 0; i < profile.budget; i++) {
    const spec = { ...nthSpec(arb, i), expect: { violate: profile.caughtBy } };
    if (run(profile, spec).passed) return i + 1;
  }
  return undefined;
}

describe('raft: bug switches', () => {
  it('has a profile for every bug in the catalogue, caught by the catalogue property', () => {
    expect(Object.keys(BUG_PROFILES).sort()).toEqual(raft.bugs.map((b) => b.name).sort());
    for (const bug of raft.bugs) expect(BUG_PROFILES[bug.name]?.caughtBy).toBe(bug.caughtBy);
  });

  for (const [bug, profile] of Object.entries(BUG_PROFILES)) {
    it.skipIf(SKIPPED.has(bug))(`finds ${bug} by ${profile.caughtBy} within ${profile.budget} runs`,
      () => {
        const found = firstDetection(profile);
        expect(found, `${bug} not found in ${profile.budget} runs`).toBeDefined();
      }, 120_000);
  }

  it('the correct protocol survives the first runs of every profile', () => {
    for (const profile of Object.values(BUG_PROFILES)) {
      const options = { ...profile.options, params: {} };
      const arb = raftRunArb(options);
      for (let i = 0; i < 2; i++) {
        const report = run(profile, nthSpec(arb, i));
        expect(report.failures, `run ${i + 1}`).toEqual([]);
      }
    }
  }, 120_000);
});

describe('raft: bug catalogue', () => {
  it('names an existing scenario for every bug the fuzzer finds, and it fails as described', () => {
    for (const bug of raft.bugs) {
      if (SKIPPED.has(bug.name)) continue;
      expect(existsSync(join(process.cwd(), bug.scenario)), bug.scenario).toBe(true);
      const { spec } = loadScenario(readFileSync(bug.scenario, 'utf8'), bug.scenario);
      expect(spec.expect?.violate).toBe(bug.caughtBy);
    }
  });
});

/**
 * The failures of the first runs of a plain campaign (`faultline fuzz <protocol> --seed S`, no
 * shrinking), for the tests that a correct protocol passes one.
 */
import { type AnyProtocol, protocols } from '../../protocols/index.js';
import { Campaign } from '../../runner/fuzz/index.js';

/** `run i: property` for each of the first `runs` runs that failed. */
export function campaignFailures(protocol: AnyProtocol, seed: number, runs: number): string[] {
  const campaign = new Campaign({ protocol, registry: protocols, seed, shrinkRuns: 0 });
  const failed: string[] = [];
  for (let i = 0; i < runs; i++) {
    const outcome = campaign.run(i);
    if (!outcome.passed) failed.push(`run ${i}: ${outcome.violated}`);
  }
  return failed;
}

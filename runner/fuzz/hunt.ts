/**
 * A bug hunt: the plain campaign of `faultline fuzz <protocol> --bug <name> --runs N --seed S`
 * (nemeses on, no other option), run in this process until it reports a failure of a property
 * the bug's catalogue entry names. The benchmark's detection figures and the bug tests both
 * come from here, so they describe the tool users run, not a hunter of their own.
 *
 * Wall time enters only through the injected clock, for the "seconds to first detection".
 */
import type { AnyProtocol, BugSwitch } from '../../protocols/index.js';
import { Campaign } from './campaign.js';

/** What a hunt found. */
export interface HuntResult {
  readonly protocol: string;
  readonly bug: string;
  /** Whether a run failed a property the catalogue names for the bug. */
  readonly found: boolean;
  /** Runs made up to and including the detecting one (the budget when not found). */
  readonly runs: number;
  /** Wall seconds until the detecting run ended, before shrinking. */
  readonly seconds: number;
  /** The property the detecting run violated. */
  readonly violated?: string;
  /** The first failure of any property, when it came before the detection (run, property). */
  readonly firstOther?: { readonly run: number; readonly violated: string };
  /** The shrunk schedule's length, and the failing run's before shrinking. */
  readonly faultsAfter?: number;
  readonly faultsBefore?: number;
  /** Whether the shrunk schedule was shown 1-minimal. */
  readonly minimal?: boolean;
  /** Names of the nemesis rules of the detecting run. */
  readonly nemesis?: readonly string[];
}

/** The properties that count as finding `bug`: the one that catches it, and the others. */
export function catchingProperties(bug: BugSwitch): readonly string[] {
  return [bug.caughtBy, ...(bug.alsoCaughtBy ?? [])];
}

/** Options of a hunt. */
export interface HuntOptions {
  readonly registry: Readonly<Record<string, AnyProtocol>>;
  readonly seed: number;
  readonly runs: number;
  /** Reruns for shrinking the detecting run (0 skips it). */
  readonly shrinkRuns?: number;
  /** Milliseconds from some fixed point (performance.now), for the detection time. */
  readonly now: () => number;
}

/** Hunts `bug` of `protocol` with the plain campaign. */
export function hunt(protocol: AnyProtocol, bug: BugSwitch, options: HuntOptions): HuntResult {
  const start = options.now();
  let detectedAt = start;
  const campaign = new Campaign({ protocol, registry: options.registry, seed: options.seed,
    bugs: [bug.name], shrinkRuns: options.shrinkRuns ?? 0,
    onFailure: () => { detectedAt = options.now(); } });
  const wanted = catchingProperties(bug);
  let firstOther: { run: number; violated: string } | undefined;
  for (let index = 0; index < options.runs; index++) {
    const outcome = campaign.run(index);
    if (outcome.passed) continue;
    const violated = outcome.violated ?? 'failure';
    if (!wanted.includes(violated)) {
      firstOther ??= { run: index + 1, violated };
      continue;
    }
    const found = outcome.counterexample;
    return { protocol: protocol.name, bug: bug.name, found: true, runs: index + 1,
      seconds: (detectedAt - start) / 1000, violated,
      ...(firstOther === undefined ? {} : { firstOther }),
      ...(found === undefined || options.shrinkRuns === 0 ? {} : {
        faultsAfter: found.spec.faults.length, faultsBefore: found.faultsBefore,
        minimal: found.minimal }),
      nemesis: outcome.nemesis };
  }
  return { protocol: protocol.name, bug: bug.name, found: false, runs: options.runs,
    seconds: (options.now() - start) / 1000, ...(firstOther === undefined ? {} : { firstOther }) };
}

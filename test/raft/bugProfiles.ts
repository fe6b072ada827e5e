/**
 * For each bug switch: a fuzz profile suited to it (the faults that expose it, some through a
 * leader-watching nemesis), the property expected to catch it, and `budget`, the number of
 * runs within which the fuzzer must find it. The budgets are the measured index of the first
 * detecting run (recorded in protocols/raft/README.md) with some slack; runs are
 * deterministic, so the measured index does not change unless the code does.
 */
import type { NemesisOptions, Strikes } from './nemesis.js';
import type { ChurnKind, FuzzOptions } from './support.js';

export interface BugProfile {
  readonly caughtBy: string;
  readonly options: FuzzOptions;
  /** A leader-watching nemesis on top of the schedule, for bugs a blind one rarely hits. */
  readonly nemesis?: NemesisOptions;
  readonly budget: number;
}

const churn = (count: number, kinds: ChurnKind[], length?: readonly [number, number]) =>
  ({ count, kinds, ...(length === undefined ? {} : { length }) });

/** Short runs, safety only: 3 s of faults, up to 5 servers, a busy workload. */
const quick = (bug: string, extra: FuzzOptions = {}): FuzzOptions => ({
  params: { bugs: [bug] }, faultWindow: 3_000_000, settle: 100_000, liveness: false,
  maxNodes: 5, maxRate: 60, ...extra });

/** With a nemesis, the blind schedule holds only heals. */
const watched = (bug: string, extra: FuzzOptions = {}): FuzzOptions =>
  quick(bug, { maxLoss: 0, kinds: ['heal'], maxRate: 100, ...extra });

const isolateLeader: NemesisOptions = { leader: 'isolate', every: [300_000, 900_000],
  downFor: [300_000, 900_000], crashAfterElection: 0.2 };
const severLeader: NemesisOptions = { leader: 'sever', every: [300_000, 900_000],
  downFor: [400_000, 900_000], crashAfterElection: 0 };
/** Only the finely watched strikes of nemesis.ts, no periodic faults on the leader. */
const strikes = (watch: Strikes): NemesisOptions => ({ leader: 'none', every: [0, 0],
  downFor: [0, 0], crashAfterElection: 0, strikes: watch });

export const BUG_PROFILES: Readonly<Record<string, BugProfile>> = {
  // A new leader's voters are crashed before their votes are durable and come back at once;
  // the leader is down meanwhile, so they elect another leader in its term.
  'vote-not-persisted': { caughtBy: 'election-safety', budget: 5,
    options: watched('vote-not-persisted', { maxFaults: 0, maxRate: 30 }),
    nemesis: strikes({ forgetVotes: { chance: 1, voterDownFor: [1_000, 20_000],
      leaderDownFor: [400_000, 900_000] } }) },
  'length-only-up-to-date': { caughtBy: 'leader-completeness', budget: 20,
    options: watched('length-only-up-to-date'), nemesis: isolateLeader },
  // Figure 8: leaders are isolated holding entries of their term alone, and one elected again
  // with its older entries is isolated the moment it commits one by counting replicas.
  'commit-previous-term': { caughtBy: 'leader-completeness', budget: 10,
    options: watched('commit-previous-term', { maxFaults: 0, maxRate: 30 }),
    nemesis: strikes({ isolateNewLeader: 1, isolateOnOldCommit: true }) },
  'truncate-on-match': { caughtBy: 'leader-completeness', budget: 50,
    options: quick('truncate-on-match', { maxLoss: 0,
      churn: churn(40, ['slow-link', 'crash', 'partition']) }) },
  'ignore-higher-term-in-reply': { caughtBy: 'linearizable', budget: 70,
    options: watched('ignore-higher-term-in-reply', { minNodes: 3 }), nemesis: severLeader },
  'stale-leader-read': { caughtBy: 'linearizable', budget: 40,
    options: watched('stale-leader-read', { minNodes: 3 }), nemesis: isolateLeader },
  'ack-before-sync': { caughtBy: 'leader-completeness', budget: 5,
    options: quick('ack-before-sync', { syncLatencyMax: 30_000,
      churn: churn(40, ['crash', 'partition']) }) },
};

/**
 * What a protocol gives Faultline: its parameters (with bug switches), how to build its node
 * programs for a cluster, the properties that judge a run, and its metrics. The scenario
 * runner (runner/) turns a scenario file into an engine run through this interface; the CLI
 * and the visualizer find protocols in the registry (protocols/index.ts).
 *
 * A protocol folder holds the whole story of one protocol: README.md (the algorithm in prose,
 * its invariants and its bug switches), messages.ts, node.ts, invariants.ts, small pure
 * helpers, and its definition (definition.ts) that implements `ProtocolDefinition`.
 */
import type { z } from 'zod';
import type { LivenessCheck, Property, World } from '../sim/check/property.js';
import type { AckedWrite } from '../sim/check/recovery.js';
import type { AnyModel } from '../sim/check/model.js';
import type { ClusterView, NemesisRule, Timescale } from '../sim/check/nemesis.js';
import type { AdminOp, Micros, NodeId, NodeProgram, ProgramFactory } from '../sim/index.js';
import type { ProtocolView } from './view.js';

/** A realistic bug behind a named switch in the protocol's parameters. */
export interface BugSwitch {
  readonly name: string;
  /** What goes wrong, in a sentence or two. */
  readonly description: string;
  /** The property (invariant name, or `linearizable`) that catches it. */
  readonly caughtBy: string;
  /**
   * Other properties it breaks, which a campaign may report first (a split brain that acks
   * writes is a lost acknowledged write before a checker sees a stale read).
   */
  readonly alsoCaughtBy?: readonly string[];
  /** The scenario file that shows it, relative to the repository root. */
  readonly scenario: string;
}

/** The client workload a scenario asks for; protocols read the fields they use. */
export interface WorkloadSpec {
  readonly clients: number;
  /** Operations per second per client, at most (each client has one operation in flight). */
  readonly rate: number;
  readonly keys: number;
  readonly mix: Readonly<Record<string, number>>;
  /** Per-attempt timeout, in µs. */
  readonly timeout: Micros;
  readonly attempts: number;
  /** Written values are padded to this many bytes; undefined: as short as their token. */
  readonly valueBytes?: number;
}

/** What the runner hands a protocol to set up one run. */
export interface ProtocolSetup<Params> {
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly params: Params;
  readonly workload: WorkloadSpec | undefined;
  /** True time at which clients stop invoking (so that pending operations can complete). */
  readonly clientsStopAt: Micros | undefined;
}

/** One run's worth of a protocol: programs, properties, metrics. */
export interface ProtocolInstance {
  /** The program of every server and client id. */
  readonly program: ProgramFactory<unknown>;
  /** Always/sometimes properties checked after every event, by name. */
  readonly properties: readonly Property[];
  /**
   * What a scenario that names no property checks: the properties the protocol guarantees
   * under these parameters. Default: every property it can check here (`properties`, and
   * `linearizable` with a `model`). One left out stays checkable when a scenario names it:
   * async replication is checked for linearizability when asked, and fails.
   */
  readonly promised?: readonly string[];
  /**
   * Properties of the protocol's `propertyNames` that this run cannot check, each with the
   * reason (a model assumption the parameters do not declare, a bound they do not give). A
   * scenario that names one is rejected with that reason (runner/selection.ts).
   */
  readonly notApplicable?: Readonly<Record<string, string>>;
  /**
   * Called after every event whichever properties a scenario selects (a teaching scenario
   * checks only the one it demonstrates): where a protocol measures what its metrics report.
   */
  observe?(world: World): void;
  /** Eventually-properties for the liveness phase after faults heal. */
  readonly liveness: readonly LivenessCheck[];
  /** The model that judges the client history, when the protocol offers linearizability. */
  readonly model?: AnyModel;
  /** Figures measured over the run (election time, commit latency percentiles, …). */
  metrics(world: World): Readonly<Record<string, number>>;
  /**
   * Acknowledged client writes that the state the run ends with does not hold, for the shared
   * RPO figures (sim/check/recovery.ts). Asked after `metrics`. A protocol without it reports
   * no RPO.
   */
  lostWrites?(world: World): readonly AckedWrite[];
  /** The state of a node for the visualizer's inspector (role, term, log, …). */
  inspect?(program: NodeProgram<unknown>): unknown;
}

/**
 * How `faultline fuzz` exercises a protocol, from its nemesis.ts: the phases of the fault ×
 * phase coverage matrix, a view of the cluster for nemeses, the scale of its timeouts, the
 * parameter values a campaign varies, and the nemesis rules that aim where it is weak.
 */
export interface FuzzTraits<Params> {
  /** Phases, in the order the coverage matrix prints them. */
  readonly phases: readonly string[];
  /** Roles besides `leader` that nemesis rules may aim at (a lock `holder`). */
  readonly roles?: readonly string[];
  /** A view of one run's cluster (it may keep what it saw between calls). */
  view(setup: ProtocolSetup<Params>): ClusterView;
  timescale(params: Params): Timescale;
  /**
   * Parameter values a campaign draws from, one per run (swarm), for parameters the user did
   * not fix with `--param`: the options a protocol ships must be fuzzed too.
   */
  readonly variants?: Readonly<Record<string, readonly unknown[]>>;
  /**
   * A synchronous model some of its properties assume, switched on by a boolean parameter
   * (heartbeat's and replication's `synchronous`): a run with it on has no loss, no
   * partition and no pause, and every delay is at most `bound`; its nemeses only crash
   * servers and stretch delays up to the bound.
   */
  readonly synchronous?: {
    readonly param: string;
    bound(params: Params): Micros;
    /** Parameter values the model's properties assume (the fixed detector, not phi). */
    readonly requires?: Readonly<Record<string, unknown>>;
  };
  /** Nemesis rules that strike where this protocol is weak, beside the generic ones. */
  readonly rules?: readonly NemesisRule[];
  /**
   * Rules for runs whose membership may change (a campaign draws spares and operator
   * requests for a protocol with `membership`, in some runs): membership changes at the
   * moments they are weak. Each such run gets one of them beside its other rules; the other
   * runs keep their plans.
   */
  readonly membershipRules?: readonly NemesisRule[];
  /** Generator ranges other than the defaults (runner/fuzz/profile.ts). */
  readonly profile?: {
    readonly nodes?: readonly [number, number];
    readonly clients?: readonly [number, number];
    readonly duration?: Micros;
    readonly settle?: Micros;
    readonly mix?: Readonly<Record<string, number>>;
    readonly damage?: boolean;
  };
}

/**
 * What an operator may ask of a protocol that changes its membership (a scenario's `add`,
 * `remove`, `transfer` and `rebuild` entries), and how a run starts: the parameter that says
 * how many servers (n1..nK) form the first configuration; the others start as spares outside
 * it, waiting to be added. Fuzz campaigns draw the operations and the spares from here.
 */
export interface Membership {
  readonly ops: readonly AdminOp[];
  /** The parameter holding the first configuration's size (absent: every server). */
  readonly membersParam: string;
}

/** A protocol as the registry knows it. */
export interface ProtocolDefinition<Params = unknown> {
  readonly name: string;
  readonly description: string;
  /** Parameters with their defaults; it includes `bugs: string[]` naming switched-on bugs. */
  readonly params: z.ZodType<Params>;
  readonly bugs: readonly BugSwitch[];
  /** Every property name it can check, for validating a scenario's `expect`. */
  readonly propertyNames: readonly string[];
  /** How fuzz campaigns exercise it; without, they use blind schedules alone. */
  readonly fuzz?: FuzzTraits<Params>;
  /**
   * Whether its client processes may crash and restart in a scenario: a lock client that dies
   * holding a lock is part of the lock's story. A client keeps no disk, so a restart starts it
   * afresh. Default: no (a crash of a key-value client would only end its operations).
   */
  readonly clientCrashes?: boolean;
  /** Membership changes an operator may ask for; without, a scenario may ask none. */
  readonly membership?: Membership;
  setup(setup: ProtocolSetup<Params>): ProtocolInstance;
  /** How the visualizer draws it (view.ts in its folder). */
  readonly view?: ProtocolView;
}

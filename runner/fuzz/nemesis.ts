/**
 * The rule-driven nemesis of fuzz campaigns (Jepsen's targeted nemeses, with the moments of
 * FoundationDB's buggify): a plan of rules, each "when this happens, strike that", carried out
 * against a run as it goes. It watches through the protocol's `ClusterView` after every event
 * and strikes through `Engine.strike`, so what it did is a plain fault schedule afterwards.
 *
 * A rule fires on a new holder of a role (a new leader), on a phase becoming active (a commit
 * under way, a lease held), on a server holding writes not yet durable, or periodically. Its
 * steps hit the leader, the servers with unsynced writes, a follower, any server or all but the
 * leader, with a fault that is undone after a while (see `Action` in sim/check/nemesis.ts).
 * Every strike lands before the end of the fault window; none lands in the liveness phase.
 *
 * Two safety rails follow the blind generator's: record damage (a torn write, a corrupted
 * record) hits at most a minority of the servers, and in a run under a synchronous model
 * (`synchronous`) a nemesis only crashes servers and stretches delays up to the model's bound.
 */
import { type Fault, type LinkConfig, type Micros, type NodeId, Prng } from '../../sim/index.js';
import {
  type Action, type ClusterView, IDLE_PHASE, type Nemesis, type NemesisRule, type Strike,
  type StrikeStep, type Target, type Timescale,
} from '../../sim/check/nemesis.js';
import type { World } from '../../sim/check/property.js';

/** A nemesis for one run, as data: its own seed and its rules. */
export interface NemesisPlan {
  readonly seed: number;
  readonly rules: readonly NemesisRule[];
}

/** What a nemesis needs of the run besides its plan. */
export interface NemesisSetting {
  readonly view: ClusterView;
  readonly servers: readonly NodeId[];
  readonly timescale: Timescale;
  /** The network's link settings, restored when a slowed or lossy network recovers. */
  readonly link: LinkConfig;
  /** No strike at or after this time (the liveness phase begins there). */
  readonly windowEnd: Micros;
  /** Whether strikes may damage records (torn writes, corruption), on a minority only. */
  readonly damage: boolean;
  /** Servers whose records the run's own schedule already damages. */
  readonly damaged: readonly NodeId[];
  /** Servers whose disk the run's own schedule corrupts. */
  readonly corrupted?: readonly NodeId[];
  /** The delay bound of a synchronous model the run honours, if it does. */
  readonly bound?: Micros;
}

/** Actions a run under a synchronous model may take. */
export const SYNCHRONOUS_ACTIONS: ReadonlySet<Action> = new Set(['crash', 'slow']);

/** The faults of one strike and those that undo it. */
interface Strikes {
  readonly faults: readonly Fault[];
  readonly repairs: readonly Fault[];
}

const NONE: Strikes = { faults: [], repairs: [] };
const HEAL: readonly Fault[] = [{ kind: 'heal' }];
const NO_NODES: readonly NodeId[] = [];
const IDLE: readonly string[] = [IDLE_PHASE];

/** What a rule saw last, to fire on changes only. */
interface RuleState {
  fired: number;
  /** Holders of the trigger's role at the last look, and every node that ever held it. */
  holders: readonly NodeId[];
  former: Set<NodeId>;
  /** The trigger's phases active at the last look, one bit each (by place in the trigger). */
  active: number;
  /** The next periodic firing, true µs. */
  next: Micros;
}

/** Carries out a plan against one run. */
export class RuleNemesis implements Nemesis {
  private readonly prng: Prng;
  private readonly states: RuleState[];
  private readonly damaged: Set<NodeId>;
  /** Servers whose disk was corrupted once, by the schedule or by a strike. */
  private readonly corrupted: Set<NodeId>;
  /** Servers that held unsynced writes at the last look. */
  private readonly unsynced = new Set<NodeId>();
  private readonly watchesPhases: boolean;
  private readonly watchesUnsynced: boolean;
  /** Whether this event's phases are to be looked at, and what they were when looked at. */
  private phasesChanged = false;
  private seenPhases: readonly string[] | undefined;

  constructor(private readonly plan: NemesisPlan, private readonly setting: NemesisSetting) {
    this.prng = new Prng('nemesis', String(plan.seed));
    this.damaged = new Set(setting.damaged);
    this.corrupted = new Set(setting.corrupted ?? []);
    this.states = plan.rules.map((rule) => ({ fired: 0, holders: [], former: new Set<NodeId>(),
      active: 0,
      next: rule.trigger.on === 'every' ? this.span(rule.trigger.period, 0.5, 1.5) : 0 }));
    this.watchesPhases = plan.rules.some((r) => r.trigger.on === 'enter');
    this.watchesUnsynced = plan.rules.some((r) => r.trigger.on === 'unsynced' ||
      r.steps.some((s) => s.target === 'unsynced'));
  }

  // Called after every event: it allocates nothing unless a rule fires.
  observe(world: World, strike: Strike): void {
    if (world.now >= this.setting.windowEnd) return;
    const changed = world.changed.length > 0;
    // The protocol's phases are read once an event, and only when a rule still asks for them.
    this.seenPhases = undefined;
    this.phasesChanged = this.watchesPhases && changed;
    const fresh = this.watchesUnsynced && changed ? this.freshUnsynced(world) : NO_NODES;
    const rules = this.plan.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as NemesisRule;
      const state = this.states[i] as RuleState;
      if (state.fired >= rule.limit) continue;
      if (this.triggered(rule, state, world, fresh) && this.prng.chance(rule.chance)) {
        state.fired++;
        for (const step of rule.steps) this.run(step, world, strike, fresh);
      }
    }
  }

  /** The phases active now, when the event changed something (else undefined). */
  private phases(world: World): readonly string[] | undefined {
    if (!this.phasesChanged) return undefined;
    if (this.seenPhases === undefined) {
      const active = this.setting.view.phases(world);
      this.seenPhases = active.length === 0 ? IDLE : active;
    }
    return this.seenPhases;
  }

  /** Servers that hold unsynced writes now and did not at the last look. */
  private freshUnsynced(world: World): readonly NodeId[] {
    let fresh: NodeId[] | undefined;
    for (const id of world.changed) {
      if (!this.isServer(id)) continue;
      const holds = world.isUp(id) && world.disk(id).unsyncedWrites > 0;
      if (holds && !this.unsynced.has(id)) (fresh ??= []).push(id);
      if (holds) this.unsynced.add(id);
      else this.unsynced.delete(id);
    }
    return fresh ?? NO_NODES;
  }

  private isServer(id: NodeId): boolean {
    return this.setting.servers.includes(id);
  }

  private triggered(rule: NemesisRule, state: RuleState, world: World,
    fresh: readonly NodeId[]): boolean {
    const trigger = rule.trigger;
    switch (trigger.on) {
      case 'change': {
        if (world.changed.length === 0) return false;
        const now = this.setting.view.holders(world, trigger.role);
        const before = state.holders;
        state.holders = now;
        // A new holder fires it (with `returning`, only one that held the role before).
        let fires = false;
        for (const id of now) {
          if (before.includes(id)) continue;
          fires ||= trigger.returning !== true || state.former.has(id);
          state.former.add(id);
        }
        return fires;
      }
      case 'enter': {
        const phases = this.phases(world);
        if (phases === undefined) return false;
        let active = 0;
        for (let k = 0; k < trigger.phases.length; k++) {
          if (phases.includes(trigger.phases[k] as string)) active |= 1 << k;
        }
        // A phase of the trigger active now and not at the last look.
        const entered = (active & ~state.active) !== 0;
        state.active = active;
        return entered;
      }
      case 'unsynced':
        return fresh.length > 0;
      case 'every':
        if (world.now < state.next) return false;
        state.next = world.now + this.span(trigger.period, 0.5, 1.5);
        return true;
    }
  }

  /** `units` timeouts, scaled by a factor drawn in [lo, hi], in whole µs (at least 1). */
  private span(units: number, lo: number, hi: number): Micros {
    const factor = lo + (hi - lo) * this.prng.float();
    return Math.max(1, Math.round(units * factor * this.setting.timescale.timeout));
  }

  private between([lo, hi]: readonly [number, number]): Micros {
    return this.span(1, lo, hi);
  }

  /** Carries out one step now: its faults after its delay, their repairs after its length. */
  private run(step: StrikeStep, world: World, strike: Strike, fresh: readonly NodeId[]): void {
    const after = step.after[1] === 0 ? 1 : this.between(step.after);
    const length = this.between(step.length);
    if (world.now + after >= this.setting.windowEnd) return;
    const repairable = world.now + after + length < this.setting.windowEnd;
    for (const node of this.targets(step.target, world, fresh)) {
      const { faults, repairs } = this.faults(step.action, node, length, world);
      for (const fault of faults) strike(fault, after);
      if (faults.length === 0 || !repairable) continue;
      for (const fault of repairs) strike(fault, after + length);
    }
  }

  private targets(target: Target, world: World, fresh: readonly NodeId[]): readonly NodeId[] {
    const servers = this.setting.servers;
    const leader = this.setting.view.holders(world, 'leader')[0];
    if (typeof target === 'object') {
      const holders = this.setting.view.holders(world, target.role);
      return holders.length === 0 ? [] : [this.prng.pick(holders)];
    }
    switch (target) {
      case 'unsynced': {
        const now = servers.filter((id) => world.isUp(id) && world.disk(id).unsyncedWrites > 0);
        return now.length > 0 ? now : fresh;
      }
      case 'follower': {
        const others = servers.filter((id) => id !== leader);
        return others.length === 0 ? [] : [this.prng.pick(others)];
      }
      case 'random':
        return [this.prng.pick(servers)];
      case 'others':
        return servers.filter((id) => id !== leader);
    }
  }

  /** The faults of an action on `node`, and the faults that undo them; none when it cannot. */
  private faults(action: Action, node: NodeId, length: Micros, world: World): Strikes {
    const servers = this.setting.servers;
    const rest = servers.filter((id) => id !== node);
    const server = this.isServer(node);
    switch (action) {
      case 'crash':
      case 'crash-torn': {
        if (!world.isUp(node)) return NONE;
        const tear = action === 'crash-torn' && this.mayDamage(node);
        return { faults: [{ kind: 'crash', node, ...(tear ? { tear: true } : {}) }],
          repairs: [{ kind: 'restart', node }] };
      }
      case 'pause':
        if (!world.isUp(node) || world.isPaused(node)) return NONE;
        return { faults: [{ kind: 'pause', node }], repairs: [{ kind: 'resume', node }] };
      case 'isolate':
        if (rest.length === 0 || !server) return NONE;
        return { faults: [{ kind: 'partition', groups: [[node], rest] }], repairs: HEAL };
      case 'split':
      case 'split-clients': {
        if (!server) return NONE;
        const size = Math.floor((servers.length - 1) / 2);
        const minority = [node, ...this.prng.shuffle(rest).slice(0, Math.max(0, size - 1))];
        const majority = servers.filter((id) => !minority.includes(id));
        if (majority.length === 0) return NONE;
        if (action === 'split') {
          return { faults: [{ kind: 'partition', groups: [minority, majority] }], repairs: HEAL };
        }
        // The clients split too, as when each runs beside a server: those on the minority side
        // reach only its servers, the others only the majority's.
        const clients = this.prng.shuffle(world.clients);
        const half = Math.ceil(clients.length / 2);
        return { faults: [{ kind: 'partition', groups: [[...minority, ...clients.slice(0, half)],
          [...majority, ...clients.slice(half)]] }], repairs: HEAL };
      }
      case 'sever': {
        if (rest.length === 0 || !server) return NONE;
        const other = this.prng.pick(rest);
        const both = (kind: 'cut' | 'heal'): Fault[] =>
          [{ kind, from: node, to: other }, { kind, from: other, to: node }];
        return { faults: both('cut'), repairs: both('heal') };
      }
      case 'bridge':
        // The target at one end: the far half and the middle node make a majority without it,
        // while it still reaches the middle (Jepsen's bridge; a deposed leader hears the new
        // term through the middle node).
        if (servers.length < 3 || !server) return NONE;
        return { faults: [{ kind: 'bridge', nodes: [node, ...rest] }], repairs: HEAL };
      case 'ring':
        if (servers.length < 3) return NONE;
        return { faults: [{ kind: 'ring' }], repairs: HEAL };
      case 'clock-jump':
      case 'clock-back':
        return {
          faults: [{ kind: 'clock', node, jump: action === 'clock-jump' ? length : -length }],
          repairs: [],
        };
      case 'slow':
      case 'lossy':
      case 'dup-delay':
        return { faults: [{ kind: 'link', set: this.linkFault(action, length) }],
          repairs: [{ kind: 'link', set: this.setting.link }] };
      case 'limp':
      case 'straggle': {
        if (!server || rest.length === 0) return NONE;
        const set: Partial<LinkConfig> = action === 'limp'
          ? { latency: { dist: 'uniform', min: Math.floor(length / 2), max: length } }
          : this.linkFault('dup-delay', length);
        const links = rest.flatMap((other): [NodeId, NodeId][] =>
          action === 'limp' ? [[node, other]] : [[node, other], [other, node]]);
        const { latency, duplicate } = this.setting.link;
        const restore: Partial<LinkConfig> = action === 'limp' ? { latency } : { latency, duplicate };
        return {
          faults: links.map(([from, to]): Fault => ({ kind: 'link', from, to, set })),
          repairs: links.map(([from, to]): Fault => ({ kind: 'link', from, to, set: restore })),
        };
      }
      case 'fail-sync':
        if (!server) return NONE;
        return { faults: [{ kind: 'disk', node, fault: 'fail-sync' }], repairs: [] };
      case 'corrupt':
        // One corruption a node: a second could hit the twin of the record the first hit,
        // and no protocol here keeps more than two copies of a record on one disk.
        if (!server || this.corrupted.has(node) || !this.mayDamage(node)) return NONE;
        this.corrupted.add(node);
        return { faults: [{ kind: 'disk', node, fault: 'corrupt' }], repairs: [] };
      case 'remove':
        if (!server) return NONE;
        return { faults: [{ kind: 'admin', op: 'remove', node }],
          repairs: [{ kind: 'admin', op: 'add', node }] };
      case 'add':
      case 'transfer':
        if (!server) return NONE;
        return { faults: [{ kind: 'admin', op: action, node }], repairs: [] };
    }
  }

  private linkFault(action: 'slow' | 'lossy' | 'dup-delay', length: Micros): Partial<LinkConfig> {
    const bound = this.setting.bound;
    switch (action) {
      case 'slow': {
        const max = bound === undefined ? length : Math.min(length, bound);
        return { latency: { dist: 'uniform', min: Math.floor(max / 2), max } };
      }
      case 'lossy':
        return { loss: 1 / 3 };
      case 'dup-delay':
        // A long tail: most messages as usual (so leadership still changes), one in a hundred
        // as late as the whole strike, and half of them twice.
        return { duplicate: 1 / 2,
          latency: { dist: 'lognormal', median: 1_000, p99: Math.max(2_000, length),
            max: Math.max(4_000, 2 * length) } };
    }
  }

  /** Whether a strike may damage `node`'s records: it is damaged already, or a minority is
   * not yet (the blind generator's rule). */
  private mayDamage(node: NodeId): boolean {
    if (!this.setting.damage) return false;
    if (this.damaged.has(node)) return true;
    if (this.damaged.size >= Math.floor((this.setting.servers.length - 1) / 2)) return false;
    this.damaged.add(node);
    return true;
  }
}

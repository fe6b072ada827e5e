/**
 * The nemesis rules a campaign draws from, and how one run's plan is drawn. The rules aim at
 * classes of bugs, not at entries of a catalogue:
 * - lost promises: crash the servers holding writes that are not durable yet, as a new leader
 *   appears or a phase begins, restart them at once, and take the leader away, so that the
 *   cluster must rely on what they promised (a vote, an acknowledged entry, a prepared record,
 *   a decision sent before its log write);
 * - stale leaders: isolate, sever, split off or pause the leader as it is elected or in a
 *   phase, or periodically, so that a deposed leader keeps serving, and a new one must pick up
 *   what the old one left half done;
 * - time: jump a leader's clock forward or back by about a timeout (leases), slow the network
 *   to about a timeout (detectors), duplicate and delay messages across a leadership change
 *   (stale replies), and bring a leader back while messages of its earlier term are still
 *   on their way (term confusion);
 * - churn and the disk: flapping isolation, failed syncs, corrupted records.
 * Each protocol adds rules of its own (its nemesis.ts) and declares its phases and roles; a
 * rule naming a role or phase the protocol does not have is left out.
 *
 * Each run also takes an aim, one cell of the fault × phase matrix: a rule that strikes that
 * fault kind when that phase begins. Run `r` aims at cell `r mod cells` (in a seed-shuffled
 * order), so a campaign aims at every cell in turn, whatever its workers or shards.
 */
import { Prng } from '../../sim/index.js';
import {
  type Action, IDLE_PHASE, type NemesisRule, type StrikeStep, type Target, type Trigger,
} from '../../sim/check/nemesis.js';
import type { NemesisPlan } from './nemesis.js';
import { SYNCHRONOUS_ACTIONS } from './nemesis.js';

/** Fault kinds of the coverage matrix (repairs such as restart and heal are not counted). */
export const COVERAGE_KINDS = ['crash', 'pause', 'partition', 'cut', 'bridge', 'ring', 'link',
  'clock', 'disk'] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

/** The actions that strike each fault kind. */
const ACTIONS_OF: Readonly<Record<CoverageKind, readonly Action[]>> = {
  crash: ['crash', 'crash-torn'],
  pause: ['pause'],
  partition: ['isolate', 'split', 'split-clients'],
  cut: ['sever'],
  bridge: ['bridge'],
  ring: ['ring'],
  link: ['slow', 'lossy', 'dup-delay', 'limp'],
  clock: ['clock-jump', 'clock-back'],
  disk: ['fail-sync', 'corrupt'],
};

const LEADER: Target = { role: 'leader' };
const QUICK: readonly [number, number] = [0.01, 0.1];
const NOW: readonly [number, number] = [0, 0];

const step = (target: Target, action: Action, length: readonly [number, number],
  after: readonly [number, number] = NOW): StrikeStep => ({ target, action, after, length });

const rule = (name: string, trigger: Trigger, steps: readonly StrikeStep[], chance = 1,
  limit = 2): NemesisRule => ({ name, trigger, steps, chance, limit });

const onNewLeader: Trigger = { on: 'change', role: 'leader' };
const every = (period: number): Trigger => ({ on: 'every', period });

/** A rule and how often a plan draws it, relative to the others; `with`: rules drawn with it. */
export interface Weighted {
  readonly rule: NemesisRule;
  readonly weight: number;
  readonly with?: readonly NemesisRule[];
}

const w = (weight: number, r: NemesisRule, companions?: readonly NemesisRule[]): Weighted =>
  companions === undefined ? { rule: r, weight } : { rule: r, weight, with: companions };

/**
 * Rules for any protocol; those aimed at the leader need a `leader` role. The weights favour
 * the broad strategies that expose whole classes of bugs (lost promises, leader churn at
 * protocol moments) over the narrower ones.
 */
export const GENERIC_RULES: readonly Weighted[] = [
  w(4, rule('amnesia-at-election', onNewLeader, [step('unsynced', 'crash', QUICK),
    step(LEADER, 'crash', [1.5, 5])])),
  w(2, rule('crash-unsynced', { on: 'unsynced' }, [step('unsynced', 'crash', QUICK)], 0.2, 3)),
  w(2, rule('isolate-new-leader', onNewLeader, [step(LEADER, 'isolate', [1, 4], [0, 0.5])])),
  w(2, rule('sever-new-leader', onNewLeader, [step(LEADER, 'sever', [1, 4], [0, 0.5])])),
  w(1.5, rule('dup-delay-at-election', onNewLeader, [step('random', 'dup-delay', [1, 3])])),
  w(2, rule('late-messages', every(3), [step('random', 'dup-delay', [2, 6])], 1, 3)),
  // Replies of one leadership delivered in the next: a follower limps (its replies take a few
  // timeouts) while the leader is cut off for a moment and a new one (or the same one, in a
  // new term or ballot) takes over.
  w(2, rule('stale-replies', onNewLeader, [step('follower', 'limp', [3, 8]),
    step(LEADER, 'isolate', [1, 2], [0.2, 0.5])], 1, 4)),
  // The same leader back in a later term or ballot while messages of its earlier one are
  // still on their way (term confusion, the Students' Guide to Raft's warning). Now and then
  // a few messages to and from the leader start to arrive timeouts late, and a follower is
  // cut off long enough to come back with a higher term and depose it (without pre-vote);
  // being behind, that follower cannot win, so the next leader is often the same one. When a
  // former leader leads again it is cut off at once with half the clients, so that whatever
  // it takes from a late message of its earlier leadership (a read round or a slot's answer
  // matched by number alone) shows in what those clients see.
  w(2, rule('leader-returns', every(8), [step(LEADER, 'straggle', [4, 8]),
    step('follower', 'isolate', [1.5, 2.5], [1, 2])], 1, 2),
  [rule('cut-off-returning-leader', { on: 'change', role: 'leader', returning: true },
    [step(LEADER, 'split-clients', [4, 8], [0.2, 0.8])], 1, 2)]),
  w(1.5, rule('limping-node', every(3), [step('random', 'limp', [2, 6])], 1, 3)),
  w(1, rule('crash-leader', every(3), [step(LEADER, 'crash', [0.5, 3])], 1, 3)),
  w(1.5, rule('pause-leader', every(3), [step(LEADER, 'pause', [1, 4])], 1, 3)),
  w(1.5, rule('isolate-leader', every(3), [step(LEADER, 'isolate', [1, 4])], 1, 3)),
  w(1, rule('split-leader', every(3), [step(LEADER, 'split', [1, 4])], 1, 3)),
  // A deposed leader that still has clients: the stale reads and lost writes of a minority.
  w(3, rule('split-leader-with-clients', every(3), [step(LEADER, 'split-clients', [2, 6])],
    1, 3)),
  // A partial cut must outlast an election for the cut-off side to elect another leader
  // while the old one still hears from (and answers) some servers: two timeouts or more.
  // Partial partitions are where most stale-leader bugs show (Jepsen's record), so they weigh
  // as much as the broadest rules.
  w(4, rule('sever-leader', every(2), [step(LEADER, 'sever', [2, 6])], 1, 6)),
  w(2, rule('bridge-leader', every(3), [step(LEADER, 'bridge', [2, 6])], 1, 4)),
  w(1.5, rule('clock-jump-leader', every(3), [step(LEADER, 'clock-jump', [1, 4])], 1, 3)),
  w(1, rule('clock-back-leader', every(4), [step(LEADER, 'clock-back', [1, 3])], 1, 2)),
  w(1.5, rule('slow-network', every(4), [step('random', 'slow', [0.8, 2])], 1, 2)),
  w(1, rule('flap', every(1), [step('random', 'isolate', [0.3, 0.8])], 1, 6)),
  w(1.5, rule('pause-any', every(2), [step('random', 'pause', [1, 4])], 1, 3)),
  w(1, rule('crash-any', every(2), [step('random', 'crash', [0.5, 3])], 1, 3)),
  w(1.5, rule('clock-jump-any', every(3), [step('random', 'clock-jump', [1, 4])], 1, 3)),
  w(0.5, rule('disk-faults', every(3), [step('random', 'fail-sync', QUICK),
    step('random', 'corrupt', QUICK)], 0.5, 2)),
];

/**
 * Leader churn at protocol moments: whenever a phase other than an election begins, isolate
 * the leader for a timeout or so, often; so leaders come and go each having taken one step (an
 * entry appended, a commit made), the history of the Raft paper's Figure 8 and of Multi-Paxos
 * takeovers of half-finished slots.
 */
export function leaderChurn(phases: readonly string[]): NemesisRule {
  return rule('leader-churn', { on: 'enter', phases: phases.filter((p) => p !== 'election') },
    [step(LEADER, 'isolate', [1, 3])], 1, 12);
}

/** Rules made from a protocol's phases: strike as each begins. */
export function phaseRules(phases: readonly string[]): Weighted[] {
  const each = 2 / Math.max(1, phases.length);
  return [w(5, leaderChurn(phases)), ...phases.flatMap((phase) => {
    const at: Trigger = { on: 'enter', phases: [phase] };
    return [
      w(2 * each, rule(`amnesia-in-${phase}`, at, [step('unsynced', 'crash', QUICK),
        step(LEADER, 'isolate', [1, 4])])),
      w(each, rule(`isolate-leader-in-${phase}`, at,
        [step(LEADER, 'isolate', [1, 4], [0, 0.05])])),
      w(each, rule(`crash-leader-in-${phase}`, at, [step(LEADER, 'crash', [0.5, 3], [0, 0.05])])),
      w(each, rule(`crash-follower-in-${phase}`, at,
        [step('follower', 'crash', [0.5, 3], [0, 0.05])])),
    ];
  })];
}

/** What decides which rules a protocol's runs draw from. */
export interface RuleContext {
  readonly phases: readonly string[];
  /** Roles the protocol declares (`leader` among them when it has one). */
  readonly roles: readonly string[];
  /** The protocol's own rules. */
  readonly own: readonly NemesisRule[];
  /** Whether runs honour a synchronous model (then only its actions are allowed). */
  readonly synchronous: boolean;
}

function roleOf(target: Target): string | undefined {
  return typeof target === 'object' ? target.role : undefined;
}

/** Whether a rule can act in this protocol: its roles exist and its actions are allowed. */
function applicable(r: NemesisRule, context: RuleContext): boolean {
  const trigger = r.trigger;
  if (trigger.on === 'change' && !context.roles.includes(trigger.role)) return false;
  if (trigger.on === 'enter' && !trigger.phases.every((phase) => phase === IDLE_PHASE ||
    context.phases.includes(phase))) return false;
  return r.steps.every((s) => {
    const role = roleOf(s.target);
    if (role !== undefined && !context.roles.includes(role)) return false;
    if ((s.target === 'follower' || s.target === 'others') && !context.roles.includes('leader')) {
      return false;
    }
    return !context.synchronous || SYNCHRONOUS_ACTIONS.has(s.action);
  });
}

/** The weight of a protocol's own rules: each as likely as the broadest generic ones. */
const OWN_WEIGHT = 4;

/**
 * Every rule a protocol's runs may draw, with its weight, its own first. Under a synchronous
 * model, stretching delays up to the bound is what tests a detector's promise, so the rules
 * that do are four times as likely.
 */
export function candidateRules(context: RuleContext): Weighted[] {
  const leader = context.roles.includes('leader');
  const phased = leader ? phaseRules(context.phases) : [];
  return [...context.own.map((r) => w(OWN_WEIGHT, r)), ...GENERIC_RULES, ...phased]
    .filter((c) => [c.rule, ...(c.with ?? [])].every((r) => applicable(r, context)))
    .map((c) => context.synchronous && c.rule.steps.some((s) => s.action === 'slow')
      ? { ...c, weight: 4 * c.weight } : c);
}

/** The cells of a protocol's coverage matrix, phase-major, `idle` first. */
export function coverageCells(phases: readonly string[]): { phase: string; kind: CoverageKind }[] {
  return [IDLE_PHASE, ...phases]
    .flatMap((phase) => COVERAGE_KINDS.map((kind) => ({ phase, kind })));
}

/**
 * The aim of run `index`: cell `index mod cells` in an order shuffled once per campaign seed,
 * as a rule that strikes that kind of fault (on the leader when there is one, else on any
 * server) when that phase begins.
 */
export function aimRule(campaignSeed: number, index: number, context: RuleContext):
NemesisRule | undefined {
  const kinds = context.synchronous
    ? COVERAGE_KINDS.filter((k) => ACTIONS_OF[k].some((a) => SYNCHRONOUS_ACTIONS.has(a)))
    : COVERAGE_KINDS;
  const cells = [IDLE_PHASE, ...context.phases].flatMap((phase) =>
    kinds.map((kind) => ({ phase, kind })));
  const order = new Prng('aim', `${campaignSeed}`).shuffle(cells);
  const cell = order[index % order.length];
  if (cell === undefined) return undefined;
  const prng = new Prng('aim', `${campaignSeed}/${index}`);
  const actions = ACTIONS_OF[cell.kind].filter((a) =>
    !context.synchronous || SYNCHRONOUS_ACTIONS.has(a));
  const target: Target = context.roles.includes('leader') && prng.chance(0.7) ? LEADER : 'random';
  return rule(`aim-${cell.kind}-in-${cell.phase}`, { on: 'enter', phases: [cell.phase] },
    [step(target, prng.pick(actions), [0.5, 3], [0, 0.3])], 1, 1);
}

/** One candidate, drawn by weight. */
function pickWeighted(prng: Prng, candidates: readonly Weighted[]): Weighted {
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  let draw = prng.float() * total;
  for (const c of candidates) {
    draw -= c.weight;
    if (draw < 0) return c;
  }
  return candidates[candidates.length - 1] as Weighted;
}

/**
 * One run's plan: none in about one run of six (blind schedules alone), else one to three
 * rules drawn from the candidates by weight, plus the aim. In a third of the runs with rules,
 * `quiet` says the nemesis acts alone, without the blind schedule: some histories need a
 * sequence of precise strikes that any other fault would break (the Raft paper's Figure 8).
 */
export function drawPlan(seed: number, candidates: readonly Weighted[],
  aim: NemesisRule | undefined): NemesisPlan & { readonly quiet: boolean } {
  const prng = new Prng('plan', String(seed));
  const rules: NemesisRule[] = [];
  if (candidates.length > 0 && !prng.chance(1 / 6)) {
    const count = prng.int(1, 3);
    for (let i = 0; i < count; i++) {
      const { rule: r, with: companions = [] } = pickWeighted(prng, candidates);
      if (rules.some((other) => other.name === r.name)) continue;
      // Swarm: a rule strikes at every chance in one run and at one in ten in another, and
      // some runs let it strike twice as often.
      rules.push({ ...r, chance: r.chance * prng.pick([1, 1, 0.3, 0.1]),
        limit: r.limit * prng.pick([1, 2]) }, ...companions);
    }
  }
  const quiet = rules.length > 0 && prng.chance(1 / 3);
  return { seed, rules: aim === undefined ? rules : [...rules, aim], quiet };
}

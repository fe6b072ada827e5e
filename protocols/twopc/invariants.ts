/**
 * The cluster-wide checks of `twopc`, after Bernstein, Hadzilacos & Goodman (1987, section
 * 7.2), all judged by the run's `Observer`:
 * - `ac1-agreement`: all nodes that decide a transaction reach the same decision;
 * - `ac2-no-reversal`: no node ever reverses its decision, restarts included;
 * - `ac3-commit-needs-yes`: a transaction commits only if every participant voted yes;
 * - `ac4-abort-needs-cause`: the coordinator aborts only for a cause — a no vote, a vote
 *   timeout, or a presumption after a restart — never with every yes vote in hand, so with no
 *   failures and all yes votes the decision is commit;
 * - `balance-conserved`: the total balance is constant in every committed state (balances
 *   plus the committed transfers a participant has yet to apply), and every committed
 *   `read-all` a client saw adds up to it;
 * - `serializable`: committed transactions are conflict-serializable (serialGraph.ts);
 * - `transaction-committed` (sometimes): a run that commits nothing cannot pass quietly;
 * - `ac5-all-decided` (liveness): after the repair, every transaction prepared or begun at
 *   that moment is decided by every participant and the coordinator.
 */
import type { LivenessCheck, Property, World } from '../../sim/check/property.js';
import type { TwoPcServer } from './node.js';
import type { Roles } from './params.js';
import type { Observer, SafetyName } from './observer.js';

/** Safety property names in checking order. */
export const SAFETY_NAMES: readonly SafetyName[] = ['ac1-agreement', 'ac2-no-reversal',
  'ac3-commit-needs-yes', 'ac4-abort-needs-cause', 'balance-conserved', 'serializable'];

/** Every property name of the protocol. */
export const PROPERTY_NAMES = [...SAFETY_NAMES, 'transaction-committed'] as const;

/** The always and sometimes properties over one observer. */
export function twoPcProperties(observer: Observer): Property[] {
  const always: Property[] = SAFETY_NAMES.map((name) => ({
    kind: 'always' as const,
    name,
    check(world: World) {
      observer.observe(world);
      return observer.violations.get(name);
    },
    evidence: () => observer.evidence.get(name),
  }));
  return [...always, {
    kind: 'sometimes', name: 'transaction-committed',
    holds(world: World) {
      observer.observe(world);
      return observer.committed.size > 0;
    },
    explain: 'no transaction committed during the run',
  }];
}

/** AC5: what was undecided at the repair gets decided. */
export function allDecided(roles: Roles): LivenessCheck {
  let pending: { node: string; tx: string }[] | undefined;
  const server = (world: World, id: string) => world.program(id) as TwoPcServer | undefined;
  return {
    name: 'ac5-all-decided',
    explain: 'a transaction undecided at the repair was still undecided',
    holds(world: World) {
      if (pending === undefined) {
        pending = [];
        for (const id of roles.participants) {
          const prepared = server(world, id)?.participant?.state.prepared ?? [];
          for (const tx of prepared) pending.push({ node: id, tx });
        }
        for (const tx of server(world, roles.coordinator)?.coordinator?.active.keys() ?? []) {
          pending.push({ node: roles.coordinator, tx });
        }
      }
      return pending.every(({ node, tx }) => {
        const program = server(world, node);
        if (program === undefined) return false;
        if (node === roles.coordinator) return program.coordinator?.active.has(tx) === false;
        return program.participant?.state.prepared.has(tx) === false;
      });
    },
  };
}

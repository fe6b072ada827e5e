/**
 * The bank: accounts `a1`..`aK` spread over the participants by index (account i lives at
 * participant (i-1) mod P), the split of a client operation into each participant's work, and
 * the workload's operation generator. A transfer between two accounts usually spans two
 * participants; `read-all` reads every account, at every participant, in one transaction.
 */
import type { ClientOperation, NodeId } from '../../sim/index.js';
import type { OperationGenerator } from '../../sim/check/workload.js';
import type { Work } from './messages.js';

/** Account names a1..aK. */
export function accountNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `a${i + 1}`);
}

/** The participant holding `account`. */
export function ownerOf(account: string, participants: readonly NodeId[]): NodeId {
  const index = Number(account.slice(1));
  return participants[(index - 1) % participants.length] as NodeId;
}

/** The accounts one participant holds. */
export function accountsOf(
  participant: NodeId, participants: readonly NodeId[], count: number,
): string[] {
  return accountNames(count).filter((a) => ownerOf(a, participants) === participant);
}

/** A transfer's argument. */
export interface Transfer {
  readonly from: string;
  readonly to: string;
  readonly amount: number;
}

/**
 * Each participant's work for a client operation, in participant order, or undefined when
 * the operation is not one this bank knows (the coordinator answers it with a definite fail).
 */
export function splitWork(
  op: ClientOperation, participants: readonly NodeId[], count: number,
): Map<NodeId, Work> | undefined {
  type Draft = { deltas: { account: string; amount: number }[]; reads: string[] };
  const work = new Map<NodeId, Draft>();
  const at = (p: NodeId) => {
    let w = work.get(p);
    if (w === undefined) work.set(p, (w = { deltas: [], reads: [] }));
    return w;
  };
  if (op.f === 'read-all') {
    for (const account of accountNames(count)) {
      at(ownerOf(account, participants)).reads.push(account);
    }
  } else if (op.f === 'transfer' && isTransfer(op.value, count)) {
    const { from, to, amount } = op.value;
    at(ownerOf(from, participants)).deltas.push({ account: from, amount: -amount });
    at(ownerOf(to, participants)).deltas.push({ account: to, amount });
  } else {
    return undefined;
  }
  return new Map(participants.filter((p) => work.has(p)).map((p) => [p, work.get(p) as Work]));
}

function isTransfer(value: unknown, count: number): value is Transfer {
  if (typeof value !== 'object' || value === null) return false;
  const { from, to, amount } = value as Partial<Transfer>;
  const known = new Set(accountNames(count));
  return typeof from === 'string' && typeof to === 'string' && known.has(from) && known.has(to) &&
    from !== to && typeof amount === 'number' && Number.isInteger(amount) && amount > 0;
}

/**
 * Transfers between two distinct random accounts of 1..maxTransfer units, and with weight
 * `readShare` a `read-all`.
 */
export function bankOperations(
  count: number, maxTransfer: number, readShare: number,
): OperationGenerator {
  return (prng) => {
    if (prng.chance(readShare)) return { f: 'read-all', value: null };
    const from = prng.int(1, count);
    const to = ((from - 1 + prng.int(1, count - 1)) % count) + 1;
    const amount = prng.int(1, maxTransfer);
    return { f: 'transfer', value: { from: `a${from}`, to: `a${to}`, amount } };
  };
}

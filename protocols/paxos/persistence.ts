/**
 * The Paxos disk layout, one record per fact in the disk's key-value area:
 * - `acceptor/promised`: the highest ballot the acceptor promised (a `Ballot`);
 * - `acceptor/accepted/<slot>`: the proposal it accepted last in that slot (`{ballot, value}`);
 * - `learner/decided/<slot>`: the value this node learned was chosen in that slot.
 * The acceptor's records are what Paxos requires to survive a crash (Paxos Made Simple §2.3:
 * "an acceptor must remember this information even if it fails and then restarts"); they are
 * written before the reply that depends on them is released (`sendAfterSync`). Decisions are
 * kept so that a node never decides a slot twice with different values across restarts and
 * can rebuild its state machine by replaying them in slot order.
 *
 * Recovery and corrupt records. A read can return a `CorruptRecord`: a torn write at a crash
 * or a damaged durable record. A damaged decision is simply dropped: the value is still held
 * by a majority of acceptors and the leader re-sends it. A damaged acceptor record is not so
 * harmless: the lost promise or accept may be part of a quorum someone relies on. The acceptor
 * therefore does not answer any Prepare or Accept until it has rebuilt its state from a
 * majority of the other nodes (see acceptor.ts, `rejoin`), the repair of Paxos Made Live §5.1,
 * rather than refusing to start (which would turn one bad sector into a lost replica).
 *
 * No compaction: a run's disk grows by one record per slot, fine for simulated minutes.
 */
import { assert, CorruptRecord, type Disk } from '../../sim/index.js';
import { type Ballot, isBallot, ZERO_BALLOT } from './ballot.js';

const PROMISED = 'acceptor/promised';
const ACCEPTED = 'acceptor/accepted/';
const DECIDED = 'learner/decided/';

/** An accepted proposal as stored (the slot is in the key). */
export interface StoredProposal<V> {
  readonly ballot: Ballot;
  readonly value: V;
}

/** What an acceptor finds on its disk at start. */
export interface AcceptorRecovery<V> {
  readonly promised: Ballot;
  readonly accepted: Map<number, StoredProposal<V>>;
  /** Where corrupt acceptor records were found; non-empty means the acceptor must rejoin. */
  readonly corrupt: readonly string[];
}

/** Persists the acceptor's promise (volatile until the next sync completes). */
export function writePromised(disk: Disk, ballot: Ballot): void {
  disk.put(PROMISED, ballot);
}

/** Persists the acceptor's accepted proposal for `slot`. */
export function writeAccepted<V>(disk: Disk, slot: number, proposal: StoredProposal<V>): void {
  disk.put(`${ACCEPTED}${slot}`, proposal);
}

/** Persists a learned decision. */
export function writeDecided<V>(disk: Disk, slot: number, value: V): void {
  disk.put(`${DECIDED}${slot}`, value);
}

/** Reads the acceptor's records; corrupt ones are reported, never returned as data. */
export function readAcceptor<V>(disk: Disk): AcceptorRecovery<V> {
  const corrupt: string[] = [];
  let promised = ZERO_BALLOT;
  const stored = disk.get(PROMISED);
  if (stored instanceof CorruptRecord) corrupt.push(stored.where);
  else if (stored !== undefined) {
    assert(isBallot(stored), () => `${PROMISED} holds ${JSON.stringify(stored)}`);
    promised = stored;
  }
  const accepted = new Map<number, StoredProposal<V>>();
  for (const key of disk.keys()) {
    if (!key.startsWith(ACCEPTED)) continue;
    const record = disk.get(key);
    if (record instanceof CorruptRecord) {
      corrupt.push(record.where);
      continue;
    }
    const proposal = record as StoredProposal<V>;
    assert(isBallot(proposal.ballot), () => `${key} holds ${JSON.stringify(record)}`);
    accepted.set(slotOf(key, ACCEPTED), proposal);
  }
  return { promised, accepted, corrupt };
}

/** Reads the learned decisions, dropping corrupt ones (they are learned again). */
export function readDecided<V>(disk: Disk): { decided: Map<number, V>; corrupt: string[] } {
  const decided = new Map<number, V>();
  const corrupt: string[] = [];
  for (const key of disk.keys()) {
    if (!key.startsWith(DECIDED)) continue;
    const record = disk.get(key);
    if (record instanceof CorruptRecord) corrupt.push(record.where);
    else decided.set(slotOf(key, DECIDED), record as V);
  }
  return { decided, corrupt };
}

function slotOf(key: string, prefix: string): number {
  const slot = Number(key.slice(prefix.length));
  assert(Number.isInteger(slot) && slot >= 0, () => `bad slot in disk key ${key}`);
  return slot;
}

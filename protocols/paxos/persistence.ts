/**
 * The Paxos disk layout, one record per fact in the disk's key-value area:
 * - `acceptor/promised`: the highest ballot the acceptor promised (a `Ballot`);
 * - `acceptor/accepted/<slot>`: the proposal it accepted last in that slot (`{ballot, value}`);
 * - `learner/decided/<slot>`: the value this node learned was chosen in that slot;
 * - `refusals.a`, `refusals.b`: the node's refusals of client requests and its horizon
 *   (protocols/refusals.ts, which reads and writes them).
 * The acceptor's records are what Paxos requires to survive a crash (Paxos Made Simple §2.3:
 * "an acceptor must remember this information even if it fails and then restarts"); they are
 * written before the reply that depends on them is released (`sendAfterSync`). Decisions are
 * kept so that a node never decides a slot twice with different values across restarts and
 * can rebuild its state machine by replaying them in slot order.
 *
 * Recovery and corrupt records. A read can return a `CorruptRecord`: a torn write at a crash
 * or a damaged durable record. A damaged decision is simply dropped: the value is still held
 * by a majority of acceptors and the leader re-sends it. A damaged acceptor record is not so
 * harmless: the lost promise or accept may be part of a quorum someone relies on. Hence the
 * two copies, written in one handler and so made durable by one sync: a single damaged
 * record (torn or corrupted) is repaired from its twin (`readAcceptor`). Only when both
 * copies of a fact are damaged does the acceptor stop answering Prepare and Accept until it
 * has rebuilt its state from a majority of the other nodes (acceptor.ts, `rejoin`), the
 * repair of Paxos Made Live §5.1, rather than refuse to start (which would turn a bad sector
 * into a lost replica).
 *
 * No compaction: a run's disk grows by one record per slot, fine for simulated minutes.
 */
import { assert, CorruptRecord, type Disk } from '../../sim/index.js';
import { type Ballot, compareBallots, isBallot, ZERO_BALLOT } from './ballot.js';

const PROMISED = 'acceptor/promised';
const ACCEPTED = 'acceptor/accepted/';
const DECIDED = 'learner/decided/';
/** Every acceptor record is kept twice, under these suffixes (see the file comment). */
const COPIES = ['.a', '.b'] as const;

/** An accepted proposal as stored (the slot is in the key). */
export interface StoredProposal<V> {
  readonly ballot: Ballot;
  readonly value: V;
}

/** What an acceptor finds on its disk at start. */
export interface AcceptorRecovery<V> {
  readonly promised: Ballot;
  readonly accepted: Map<number, StoredProposal<V>>;
  /** Facts whose every copy is corrupt; non-empty means the acceptor must rejoin. */
  readonly corrupt: readonly string[];
  /** Corrupt copies whose twin was intact (repaired locally, for the trace). */
  readonly repaired: readonly string[];
}

/** Persists the acceptor's promise, both copies (volatile until the next sync completes). */
export function writePromised(disk: Disk, ballot: Ballot): void {
  for (const copy of COPIES) disk.put(`${PROMISED}${copy}`, ballot);
}

/** Persists the acceptor's accepted proposal for `slot`, both copies. */
export function writeAccepted<V>(disk: Disk, slot: number, proposal: StoredProposal<V>): void {
  for (const copy of COPIES) disk.put(`${ACCEPTED}${slot}${copy}`, proposal);
}

/** Persists a learned decision. */
export function writeDecided<V>(disk: Disk, slot: number, value: V): void {
  disk.put(`${DECIDED}${slot}`, value);
}

/**
 * Reads the acceptor's records. Of the two copies of a fact the intact one with the higher
 * ballot wins: a torn write damages only the first copy of an unacknowledged update, whose
 * twin still holds the previous, acknowledged value (or is absent: nothing was acknowledged);
 * a corrupted durable copy has an intact twin with the same value. Only a fact with both
 * copies corrupt is reported as lost.
 */
export function readAcceptor<V>(disk: Disk): AcceptorRecovery<V> {
  const corrupt: string[] = [];
  const repaired: string[] = [];
  const read = <T>(fact: string, ballotOf: (record: T) => Ballot): T | undefined => {
    let best: T | undefined;
    let damaged = 0;
    for (const copy of COPIES) {
      const record = disk.get(`${fact}${copy}`);
      if (record === undefined) continue;
      if (record instanceof CorruptRecord) {
        damaged++;
        continue;
      }
      const ballot = ballotOf(record as T);
      assert(isBallot(ballot), () => `${fact}${copy} holds ${JSON.stringify(record)}`);
      if (best === undefined || compareBallots(ballot, ballotOf(best)) > 0) best = record as T;
    }
    // Both copies of a durable fact are made durable by one sync, so a damaged copy whose
    // twin is absent is the torn first write of a fact never acknowledged: nothing is lost.
    if (damaged > 0) (damaged === COPIES.length ? corrupt : repaired).push(fact);
    return best;
  };
  const promised = read<Ballot>(PROMISED, (b) => b) ?? ZERO_BALLOT;
  const accepted = new Map<number, StoredProposal<V>>();
  for (const slot of acceptedSlots(disk)) {
    const proposal = read<StoredProposal<V>>(`${ACCEPTED}${slot}`, (p) => p.ballot);
    if (proposal !== undefined) accepted.set(slot, proposal);
  }
  return { promised, accepted, corrupt, repaired };
}

/** The slots with an accepted record, in order. */
function acceptedSlots(disk: Disk): number[] {
  const slots = new Set<number>();
  for (const key of disk.keys()) {
    if (!key.startsWith(ACCEPTED)) continue;
    slots.add(slotOf(key.slice(0, key.lastIndexOf('.')), ACCEPTED));
  }
  return [...slots].sort((a, b) => a - b);
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

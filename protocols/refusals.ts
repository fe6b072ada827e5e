/**
 * Refusals a client can trust: how a server that does not lead answers a client's write, for
 * every replicated KV protocol here (Raft, Multi-Paxos, master-slave replication).
 *
 * A definite `fail` promises that the write never takes effect (sim/check/clientProtocol.ts),
 * and the checkers drop a failed write from the history on that promise. Two ways it breaks:
 * 1. The server refuses a request, then runs a duplicate of it that arrives once it leads
 *    (the network duplicates messages). So a refusal is recorded durably before it is sent,
 *    per client the highest sequence number refused, and a leader refuses those requests
 *    again (`refusedEarlier`) instead of running them; its refusal memory survives a crash.
 * 2. The server started the request itself while it led, lost the lead, and then refuses a
 *    duplicate of it: the command may still be decided by the next leader (fuzz paxos seed 1,
 *    run 91; seed 5, run 49). So the server remembers, per client, the highest request it
 *    started in this incarnation (`started`). What an earlier incarnation started is lost
 *    with its memory; the server knows it only up to its `horizon`, a bound it keeps durably
 *    before anything it bounds can leave it: Raft and replication record the term or epoch
 *    they stand for as candidates (their vote requests wait for that sync), Multi-Paxos the
 *    slot after the last one it proposed a client command into (its Accepts wait for that
 *    sync). A request this server may have started is in doubt until it has learned the fate
 *    of everything up to the horizon that covers it (the protocol says when: a committed
 *    entry of a later term applied here, every slot below the horizon executed): meanwhile
 *    it answers `unknown`. After that, a write its state machine has not run never will
 *    through this server, and the refusal is definite.
 *
 * The record is kept twice (`refusals.a`, `refusals.b`, written in that order before one
 * sync), like Raft's hard state: a crash tears at most the write in progress, whose copy was
 * not yet relied on, and both only grow, so recovery merges the readable copies. A server
 * whose both copies are damaged cannot keep its promises: it is quarantined (it never leads
 * again and answers clients `unknown`), as a replica with a damaged log is.
 */
import { CorruptRecord, type Disk, type NodeId } from '../sim/index.js';
import type { ClientReply, ClientRequest } from '../sim/check/clientProtocol.js';
import type { KvAnswer } from './kvStore.js';

/** The disk keys of the two copies. */
export const REFUSAL_KEYS = ['refusals.a', 'refusals.b'] as const;

/** What the record holds on disk. */
interface StoredRefusals {
  readonly refused: Readonly<Record<NodeId, number>>;
  readonly horizon: number;
}

const EMPTY: StoredRefusals = { refused: {}, horizon: 0 };

/**
 * What the protocol tells the ledger about a client's write at a server that does not lead:
 * - `ran`: its state machine ran it: the answer, `'unknown'` when the session no longer holds
 *   it, undefined when it has not run (here, so far);
 * - `settled(horizon)`: whether this server has learned the fate of everything it may have
 *   started up to `horizon` (see the file comment).
 */
export interface WriteFate {
  ran(): KvAnswer | 'unknown' | undefined;
  settled(horizon: number): boolean;
}

/** A server's durable refusals and the horizon of what it may have started. */
export class RefusalLedger {
  private readonly refused = new Map<NodeId, number>();
  /** Per client, the highest request this incarnation started (proposed, appended). */
  private readonly started = new Map<NodeId, number>();
  /** The protocol's bound on what this server may have started (a term, an epoch, a slot). */
  horizon = 0;
  /** The horizon found on disk at start: what earlier incarnations may have started. */
  bootHorizon = 0;
  /** Both copies were damaged: promises lost (see the file comment). */
  damaged = false;

  /** Reads the record back at a start; a damaged record sets `damaged`. */
  load(disk: Disk): void {
    // A copy never written stands for the empty record: the two copies are written before
    // one sync, so a missing twin means the other was never durable either.
    const copies = REFUSAL_KEYS.map((key) => disk.get(key) ?? EMPTY);
    const readable = copies.filter(isStored);
    if (readable.length === 0) this.damaged = true;
    for (const copy of readable) {
      this.horizon = Math.max(this.horizon, copy.horizon);
      for (const [client, seq] of Object.entries(copy.refused)) {
        this.refused.set(client, Math.max(seq, this.refused.get(client) ?? 0));
      }
    }
    this.bootHorizon = this.horizon;
  }

  /** This server starts `client`'s request `seq` (as leader: proposes or appends it). */
  start(client: NodeId, seq: number): void {
    this.started.set(client, Math.max(seq, this.started.get(client) ?? 0));
  }

  /** Whether `client`'s request `seq` was refused here before (a leader refuses it again). */
  refusedEarlier(client: NodeId, seq: number): boolean {
    return seq <= (this.refused.get(client) ?? 0);
  }

  /**
   * Raises the horizon (written, not yet durable: what it bounds must wait for the sync).
   * Raft and replication pass the term or epoch they stand for, Multi-Paxos a slot.
   */
  extend(disk: Disk, horizon: number): void {
    if (horizon <= this.horizon) return;
    this.horizon = horizon;
    this.save(disk);
  }

  /**
   * The answer to a client request at a server that does not lead, and whether it may leave
   * only after a sync (a definite refusal of a write, recorded here first). `fate` is asked
   * for writes only; reads change nothing and are refused definitely.
   */
  answer(disk: Disk, msg: ClientRequest, fate: WriteFate, refusal: Refusal):
    { readonly reply: ClientReply; readonly afterSync: boolean } {
    const base = { type: 'ClientReply' as const, seq: msg.seq, error: refusal.error,
      ...(refusal.leaderHint === undefined ? {} : { leaderHint: refusal.leaderHint }) };
    if (msg.op.f === 'get') return { reply: { ...base, outcome: 'fail' }, afterSync: false };
    const unknown = { reply: { ...base, outcome: 'unknown' as const }, afterSync: false };
    if (this.damaged) return unknown;
    const ran = fate.ran();
    if (ran === 'unknown') return unknown;
    if (ran !== undefined) {
      const reply: ClientReply = ran.outcome === 'ok'
        ? { type: 'ClientReply', seq: msg.seq, outcome: 'ok', result: ran.result }
        : { type: 'ClientReply', seq: msg.seq, outcome: 'fail', error: ran.error };
      return { reply, afterSync: false };
    }
    const startedHere = msg.seq <= (this.started.get(msg.client) ?? 0);
    if (!fate.settled(startedHere ? this.horizon : this.bootHorizon)) return unknown;
    if (!this.refusedEarlier(msg.client, msg.seq)) {
      this.refused.set(msg.client, msg.seq);
      this.save(disk);
    }
    return { reply: { ...base, outcome: 'fail' }, afterSync: true };
  }

  private save(disk: Disk): void {
    const refused = Object.fromEntries([...this.refused]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const record: StoredRefusals = { refused, horizon: this.horizon };
    for (const key of REFUSAL_KEYS) disk.put(key, record);
  }
}

/** Why a server refuses, and where the client should go. */
export interface Refusal {
  /** `not-leader`, or `unavailable` while it knows no leader. */
  readonly error: string;
  readonly leaderHint?: NodeId;
}

function isStored(value: unknown): value is StoredRefusals {
  if (typeof value !== 'object' || value === null || value instanceof CorruptRecord) return false;
  const v = value as { refused?: unknown; horizon?: unknown };
  return typeof v.horizon === 'number' && Number.isInteger(v.horizon) && v.horizon >= 0 &&
    typeof v.refused === 'object' && v.refused !== null &&
    Object.values(v.refused).every((seq) => Number.isInteger(seq) && (seq as number) > 0);
}

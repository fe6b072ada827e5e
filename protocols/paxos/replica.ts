/**
 * The learner and executor of Multi-Paxos ("Paxos Made Moderately Complex" calls it the
 * replica): it records decisions, persists them, and runs them through the state machine in
 * slot order, never skipping a gap (a slot not yet decided stops execution until the leader
 * fills it, with the value accepted there or a no-op).
 *
 * Decisions are written without a sync of their own (see DECISIONS_PER_SYNC).
 *
 * Invariants of this object:
 * 1. `executed` only grows, and every slot below it is decided (`execution-order`).
 * 2. a slot is decided at most once per incarnation, and with the value it had before a
 *    restart (`integrity`, which reads `decisionLog`).
 */
import type { NodeContext } from '../../sim/index.js';
import type { AcceptedEntry, PaxosMessage } from './messages.js';
import { readDecided, writeDecided } from './persistence.js';
import { type Command, type Execution, KvStateMachine } from './stateMachine.js';

/** A command that ran, with its slot, for the node to answer its client. */
export interface Executed {
  readonly slot: number;
  readonly command: Command;
  readonly execution: Execution;
}

/**
 * Decisions written since this replica last asked for a sync, at most. Decisions need no
 * sync of their own (a lost one is learned again, with the same value): they become durable
 * with the acceptor's next sync, which every Accept brings; this bound covers a replica that
 * only learns (a follower being caught up).
 */
export const DECISIONS_PER_SYNC = 256;

/** Decisions and execution of one incarnation. */
export class Replica {
  readonly decided = new Map<number, Command>();
  /** Every slot below this has been executed. */
  executed = 0;
  readonly machine = new KvStateMachine();
  /** For the checkers: decisions of this incarnation (recovered ones first), in order. */
  readonly decisionLog: AcceptedEntry<Command>[] = [];
  /** For the checkers: slots in the order they were executed. */
  readonly executionLog: number[] = [];
  /** Decisions written since this replica last asked for a sync. */
  private unsynced = 0;

  /** Reloads persisted decisions and replays the contiguous prefix. */
  recover(ctx: NodeContext<PaxosMessage<Command>>): Executed[] {
    const { decided, corrupt } = readDecided<Command>(ctx.disk);
    if (corrupt.length > 0) ctx.note('decision-corrupt', { records: corrupt });
    const slots = [...decided.keys()].sort((a, b) => a - b);
    for (const slot of slots) this.record(slot, decided.get(slot) as Command);
    return this.executeReady();
  }

  /**
   * Learns that `command` was chosen in `slot`: persists it and runs whatever became ready.
   * A second, different decision for a slot is ignored here (the `agreement` and `integrity`
   * checks report it); the same decision again is a harmless duplicate.
   */
  decide(ctx: NodeContext<PaxosMessage<Command>>, slot: number, command: Command): Executed[] {
    if (this.decided.has(slot)) return [];
    this.record(slot, command);
    writeDecided(ctx.disk, slot, command);
    if (++this.unsynced >= DECISIONS_PER_SYNC) {
      ctx.disk.sync();
      this.unsynced = 0;
    }
    ctx.note('decide', { slot });
    return this.executeReady();
  }

  private record(slot: number, command: Command): void {
    this.decided.set(slot, command);
    this.decisionLog.push({ slot, ballot: { round: 0, node: '' }, value: command });
  }

  private executeReady(): Executed[] {
    const done: Executed[] = [];
    for (let command = this.decided.get(this.executed); command !== undefined;
      command = this.decided.get(this.executed)) {
      const slot = this.executed++;
      this.executionLog.push(slot);
      done.push({ slot, command, execution: this.machine.execute(command) });
    }
    return done;
  }
}

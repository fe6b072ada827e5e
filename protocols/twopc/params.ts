/**
 * The parameters of the `twopc` protocol and the names of its cluster roles. One scenario
 * file picks the variant (`2pc` or `paxos-commit`), the timeouts, the bank (accounts and their
 * opening balance) and the bug switches; everything else about the cluster follows from the
 * node count: n1 is the coordinator, n2..nN are the participants, and under Paxos Commit the
 * acceptors are the first 2F+1 servers n1..n(2F+1), sharing their nodes with the coordinator
 * and the first participants (Gray & Lamport 2006, section 4: acceptors may run on the same
 * nodes as resource managers).
 */
import { z } from 'zod';
import { ConfigError, type NodeId } from '../../sim/index.js';
import { bugList, timer } from '../params.js';

/** The bug catalogue's switch names. */
export const BUG_NAMES = ['commit-on-timeout', 'vote-before-log', 'decision-not-logged'] as const;

/** A bug switch of this protocol. */
export type TwoPcBug = (typeof BUG_NAMES)[number];

/** The zod schema of the protocol's parameters. */
export const twoPcParams = z.object({
  /** `2pc`: the classic blocking protocol. `paxos-commit`: Gray & Lamport's non-blocking one. */
  variant: z.enum(['2pc', 'paxos-commit']).default('2pc'),
  /** F: Paxos Commit tolerates F acceptor failures with 2F+1 acceptors. */
  acceptors: z.number().int().min(1).max(3).default(1),
  /** Accounts a1..aK, spread over the participants by index. */
  accounts: z.number().int().min(2).max(64).default(8),
  initialBalance: z.number().int().min(0).max(1_000_000).default(100),
  /** Transfers move 1..maxTransfer units. */
  maxTransfer: z.number().int().min(1).max(1_000_000).default(40),
  /** Probability that a participant refuses a vote for no reason of its own (injected). */
  noVoteRate: z.number().min(0).max(1).default(0),
  /** How long the coordinator waits for votes before it aborts. */
  voteTimeout: timer().default(100_000),
  /** How long a prepared participant waits for the decision before it asks others. */
  decisionTimeout: timer().default(150_000),
  /** How often the coordinator resends an unacknowledged commit. */
  resendInterval: timer().default(100_000),
  bugs: bugList(BUG_NAMES),
}).strict();

/** Parsed parameters. */
export type TwoPcParams = z.infer<typeof twoPcParams>;

/** Who plays which role in a cluster of `servers`. */
export interface Roles {
  readonly coordinator: NodeId;
  readonly participants: readonly NodeId[];
  /** Empty under plain 2PC. */
  readonly acceptors: readonly NodeId[];
  /** Phase 2b messages that choose a value: F+1. */
  readonly quorum: number;
}

/** The role assignment (see the file comment); throws when the cluster is too small. */
export function rolesOf(servers: readonly NodeId[], params: TwoPcParams): Roles {
  const [coordinator, ...participants] = servers;
  if (coordinator === undefined || participants.length === 0) {
    throw new ConfigError('nodes',
      'at least two servers for twopc: a coordinator and a participant');
  }
  if (params.variant === '2pc') return { coordinator, participants, acceptors: [], quorum: 0 };
  const count = 2 * params.acceptors + 1;
  if (servers.length < count) {
    throw new ConfigError('nodes',
      `at least ${count} servers for paxos-commit with acceptors: ${params.acceptors}`);
  }
  return { coordinator, participants, acceptors: servers.slice(0, count),
    quorum: params.acceptors + 1 };
}

/**
 * A server of the `twopc` protocol: the roles it plays (coordinator n1, participants n2..nN,
 * and under Paxos Commit acceptors n1..n(2F+1) plus a learner and a proposer everywhere) and
 * the dispatch of messages and timers to them. Each role recovers from its own log on start.
 */
import { assertNever } from '../../sim/index.js';
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import { isClientRequest } from '../../sim/check/clientProtocol.js';
import { accountsOf } from './accounts.js';
import { Coordinator } from './coordinator.js';
import type { TwoPcMessage } from './messages.js';
import type { Roles, TwoPcParams } from './params.js';
import { Participant } from './participant.js';
import { Acceptor, Learner, Proposer } from './paxosCommit.js';

type Ctx = NodeContext<TwoPcMessage>;

/** The program of one server. */
export class TwoPcServer implements NodeProgram<TwoPcMessage> {
  readonly coordinator: Coordinator | undefined;
  readonly participant: Participant | undefined;
  readonly acceptor: Acceptor | undefined;
  private readonly learner: Learner | undefined;
  private readonly proposer: Proposer | undefined;

  constructor(readonly id: NodeId, private readonly roles: Roles, params: TwoPcParams) {
    const paxos = params.variant === 'paxos-commit';
    const index = Number(id.slice(1));
    const proposer = paxos ? new Proposer(index, roles.acceptors, roles.quorum) : undefined;
    this.proposer = proposer;
    this.learner = paxos ? new Learner(roles.quorum) : undefined;
    this.acceptor = roles.acceptors.includes(id)
      ? new Acceptor((participants) => [roles.coordinator, ...participants]) : undefined;
    const withProposer = proposer === undefined ? {} : { proposer };
    this.coordinator = id === roles.coordinator
      ? new Coordinator({ participants: roles.participants, params, ...withProposer }) : undefined;
    this.participant = roles.participants.includes(id)
      ? new Participant({ coordinator: roles.coordinator, acceptors: roles.acceptors, params,
        accounts: accountsOf(id, roles.participants, params.accounts), ...withProposer })
      : undefined;
  }

  start(ctx: Ctx): void {
    const role = this.coordinator !== undefined ? 'coordinator' : 'participant';
    ctx.note('role', { role, acceptor: this.acceptor !== undefined });
    this.acceptor?.start(ctx);
    this.participant?.start(ctx);
    this.coordinator?.start(ctx);
  }

  onTimer(ctx: Ctx, name: string): void {
    const [kind, tx = ''] = name.split(':');
    if (kind === 'vote') this.coordinator?.onVoteTimeout(ctx, tx);
    else if (kind === 'resend') this.coordinator?.onResendTimeout(ctx);
    else if (kind === 'decide') this.participant?.onDecisionTimeout(ctx, tx);
  }

  onMessage(ctx: Ctx, from: NodeId, msg: TwoPcMessage): void {
    if (isClientRequest(msg)) {
      if (this.coordinator !== undefined) return this.coordinator.onClientRequest(ctx, from, msg);
      return ctx.send(from, { type: 'ClientReply', seq: msg.seq, outcome: 'fail',
        error: 'not-leader', leaderHint: this.roles.coordinator });
    }
    switch (msg.type) {
      case 'ClientReply':
        return; // a server serves requests (above) and receives no replies
      case 'Prepare':
        return this.participant?.onPrepare(ctx, from, msg);
      case 'Vote':
        return this.coordinator?.onVote(ctx, from, msg);
      case 'Decision':
        return this.participant?.learn(ctx, from, msg.tx, msg.decision);
      case 'Ack':
        return this.coordinator?.onAck(ctx, from, msg);
      case 'DecisionRequest':
        this.coordinator?.onDecisionRequest(ctx, from, msg);
        return this.participant?.onDecisionRequest(ctx, from, msg);
      case 'PreparedDurable':
        return this.participant?.onPreparedDurable(ctx, msg);
      case 'DecisionDurable':
        this.coordinator?.onDecisionDurable(msg);
        return this.participant?.onDecisionDurable();
      case 'EpochDurable':
        return this.coordinator?.onEpochDurable(ctx, msg);
      case 'Phase1a':
        return this.acceptor?.onPhase1a(ctx, from, msg);
      case 'Phase2a':
        return this.acceptor?.onPhase2a(ctx, from, msg);
      case 'Phase1b':
      case 'Nack':
        return this.onProposerReply(ctx, from, msg);
      case 'Phase2b':
        return this.onPhase2b(ctx, from, msg);
      default:
        assertNever(msg, 'message');
    }
  }

  private onProposerReply(ctx: Ctx, from: NodeId,
    msg: Extract<TwoPcMessage, { type: 'Phase1b' | 'Nack' }>): void {
    const proposer = this.proposer;
    if (proposer === undefined) return;
    if (msg.type === 'Nack') return proposer.onNack(msg);
    proposer.onPhase1b(ctx, from, msg);
  }

  private onPhase2b(ctx: Ctx, from: NodeId, msg: Extract<TwoPcMessage, { type: 'Phase2b' }>): void {
    const decision = this.learner?.onPhase2b(from, msg);
    if (decision === undefined) return;
    this.coordinator?.onLearned(ctx, msg.tx, decision, msg.participants);
    if (msg.participants.includes(this.id)) this.participant?.learn(ctx, from, msg.tx, decision);
  }
}

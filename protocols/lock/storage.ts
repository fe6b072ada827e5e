/**
 * The storage service guarded by the lock: it accepts a write only with a fencing token at
 * least as high as every token it has seen (Kleppmann 2016), and persists the highest token
 * before acknowledging. So a holder that paused past its lease, and writes after a newer
 * holder did, is refused. The bug `lock-without-fencing` accepts every write.
 */
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import { CorruptRecord } from '../../sim/index.js';
import type { LockMessage, Write } from './messages.js';

type Ctx = NodeContext<LockMessage>;

/** A write the storage accepted, for the observer. */
export interface AcceptedWrite {
  readonly client: NodeId;
  readonly token: number;
  readonly value: string;
}

/** The guarded storage; see the file comment. */
export class Storage implements NodeProgram<LockMessage> {
  highest = 0;
  /** Writes accepted by this incarnation, in order (read by the observer). */
  readonly accepted: AcceptedWrite[] = [];
  /** Writes refused for a stale token by this incarnation. */
  fenced = 0;

  constructor(private readonly checkTokens: boolean) {}

  start(ctx: Ctx): void {
    const stored = ctx.disk.get('highest');
    this.highest = stored instanceof CorruptRecord ? Number.MAX_SAFE_INTEGER
      : (stored as number | undefined) ?? 0;
  }

  onTimer(): void {}

  onMessage(ctx: Ctx, from: NodeId, msg: LockMessage): void {
    if (msg.type === 'Write') this.onWrite(ctx, from, msg);
  }

  private onWrite(ctx: Ctx, from: NodeId, msg: Write): void {
    if (this.checkTokens && msg.token < this.highest) {
      this.fenced++;
      ctx.note('fenced', { client: from, token: msg.token, highest: this.highest });
      return ctx.send(from, { type: 'Fenced', token: msg.token, highest: this.highest });
    }
    this.highest = Math.max(this.highest, msg.token);
    this.accepted.push({ client: from, token: msg.token, value: msg.value });
    ctx.disk.put('highest', this.highest);
    ctx.disk.put('value', msg.value);
    ctx.sendAfterSync(from, { type: 'Written', token: msg.token });
  }
}

/**
 * Ping/echo: a small example protocol that exercises every engine effect. Each node pings a
 * random peer on a jittered timer, persisting its sequence number; a receiver logs the ping
 * and answers with an echo released only after the log entry is durable. Tests wrap it to
 * watch what the engine does.
 */
import type { NodeContext, NodeId, NodeProgram } from '../../sim/index.js';
import { CorruptRecord } from '../../sim/index.js';

export type PingMessage =
  | { readonly type: 'Ping'; readonly seq: number; readonly payload: { readonly n: number } }
  | { readonly type: 'Echo'; readonly seq: number };

/** Hooks a test may observe; every field optional. */
export interface PingHooks {
  onHandler?(id: NodeId, program: PingEcho, kind: 'start' | 'message' | 'timer'): void;
  onDeliver?(id: NodeId, from: NodeId, msg: PingMessage): void;
  /** Mutate sent messages afterwards, to test that the engine copied them. */
  mutateAfterSend?: boolean;
}

export class PingEcho implements NodeProgram<PingMessage> {
  seq = 0;
  echoes = 0;
  recoveredCorrupt = false;

  constructor(
    readonly id: NodeId,
    private readonly hooks: PingHooks = {},
  ) {}

  start(ctx: NodeContext<PingMessage>): void {
    this.hooks.onHandler?.(ctx.id, this, 'start');
    const stored = ctx.disk.get('seq');
    if (stored instanceof CorruptRecord) this.recoveredCorrupt = true;
    else if (typeof stored === 'number') this.seq = stored;
    ctx.note('recovered', { seq: this.seq });
    if (ctx.id.startsWith('n')) ctx.setTimer('ping', [8_000, 12_000]);
  }

  onTimer(ctx: NodeContext<PingMessage>, name: string): void {
    this.hooks.onHandler?.(ctx.id, this, 'timer');
    const peers = ctx.servers.filter((p) => p !== ctx.id);
    if (peers.length > 0) {
      this.seq++;
      ctx.disk.put('seq', this.seq);
      const msg = { type: 'Ping' as const, seq: this.seq, payload: { n: this.seq } };
      ctx.send(ctx.prng.pick(peers), msg);
      if (this.hooks.mutateAfterSend === true) (msg.payload as { n: number }).n = -1;
    }
    ctx.setTimer(name, [8_000, 12_000]);
  }

  onMessage(ctx: NodeContext<PingMessage>, from: NodeId, msg: PingMessage): void {
    this.hooks.onHandler?.(ctx.id, this, 'message');
    this.hooks.onDeliver?.(ctx.id, from, msg);
    switch (msg.type) {
      case 'Ping':
        ctx.disk.append('received', { from, seq: msg.seq });
        ctx.sendAfterSync(from, { type: 'Echo', seq: msg.seq });
        return;
      case 'Echo':
        this.echoes++;
        ctx.note('echo', { from, seq: msg.seq });
        return;
    }
  }
}

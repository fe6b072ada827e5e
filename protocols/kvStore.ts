/**
 * The key-value operations every replicated KV protocol here executes (Raft, Multi-Paxos),
 * exactly as the shared clients (sim/check/workload.ts) issue them and the linearizability
 * model (sim/check/models/kv.ts) reads them: `get` returns the value or null; `put` sets;
 * `append` concatenates (a missing key counts as ""); `cas` with `[from, to]` swaps when the
 * value equals `from`, and otherwise fails definitely with `cas-mismatch`, which the model
 * reads as an observation of a different value. One definition, so the protocols cannot
 * drift apart on what an operation means.
 */
import type { ClientOperation } from '../sim/index.js';

/** What executing one operation answers its client. */
export type KvAnswer =
  | { readonly outcome: 'ok'; readonly result: unknown }
  | { readonly outcome: 'fail'; readonly error: string };

/** Executes `op` on `data` (changed in place) and returns the client's answer. */
export function executeKv(data: Map<string, string>, op: ClientOperation): KvAnswer {
  const key = op.key ?? '';
  const current = data.get(key) ?? null;
  switch (op.f) {
    case 'get':
      return { outcome: 'ok', result: current };
    case 'put':
      data.set(key, String(op.value));
      return { outcome: 'ok', result: null };
    case 'append':
      data.set(key, (current ?? '') + String(op.value));
      return { outcome: 'ok', result: null };
    case 'cas': {
      const [from, to] = op.value as readonly [string | null, string];
      if (from !== current) return { outcome: 'fail', error: 'cas-mismatch' };
      data.set(key, to);
      return { outcome: 'ok', result: true };
    }
    default:
      return { outcome: 'fail', error: `unknown operation ${op.f}` };
  }
}

/**
 * The causal past of an event (Lamport's happened-before): every earlier event on the same
 * lane, and, through each delivery, the send and everything before it on the sender's lane.
 * One backward pass: walking indexes down from the target, a lane's frontier is the latest
 * index on that lane known to be in the past; a delivery in the past raises its sender's
 * frontier to the send. Events with no lane (faults, phases) are in the past when they come
 * before the target, because they act on every node at once.
 */
import type { Derived } from './derive.js';
import { KIND, type TraceModel } from './traceModel.js';

/** 1 for records in the causal past of record `target` (itself included), else 0. */
export function causalPast(model: TraceModel, derived: Derived, target: number): Uint8Array {
  const past = new Uint8Array(model.n);
  if (target < 0 || target >= model.n) return past;
  const frontier = new Int32Array(model.lanes.length).fill(-1);
  const lane = model.node[target] as number;
  if (lane >= 0) frontier[lane] = target;
  else frontier.fill(target); // a laneless target (a violation) sees every lane up to it
  for (let i = target; i >= 0; i--) {
    const l = model.node[i] as number;
    if (l < 0) {
      past[i] = 1;
      continue;
    }
    if (i > (frontier[l] as number)) continue;
    past[i] = 1;
    if (model.kind[i] === KIND.deliver) {
      const send = derived.sendOf.get(model.mid[i] as number);
      const from = model.peer[i] as number;
      if (send !== undefined && from >= 0 && send > (frontier[from] as number)) {
        frontier[from] = send;
      }
    }
  }
  return past;
}

/**
 * The record a violation is about: the last record on a lane at or before the violation's
 * own index (the event whose handling broke the property).
 */
export function violationAnchor(model: TraceModel, violation: number): number {
  for (let i = violation; i >= 0; i--) if ((model.node[i] as number) >= 0) return i;
  return violation;
}

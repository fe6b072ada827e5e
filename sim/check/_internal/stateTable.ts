/**
 * Interns model states as small integers and caches transitions, so that the WGL search's hot
 * loop works on integers only: `next(state, op)` calls `Model.step` once per distinct
 * (state, operation) pair and then answers from an open-addressing table of typed arrays.
 * States are interned by `Model.internKey` in a native Map when the model has one (strings
 * are then hashed once, natively), otherwise by `hash` and `equal`.
 * @internal
 */
import type { AnyModel, ModelOperation } from '../model.js';
import { ILLEGAL } from '../model.js';

/** `next` result for an operation that is illegal in the state. @internal */
export const ILLEGAL_ID = -1;
/** Above this many cached transitions, new ones are computed but not cached. */
const MAX_CACHED_TRANSITIONS = 1 << 22;
/** Bytes of a native Map entry, for the memory estimate. */
const MAP_ENTRY_BYTES = 40;

/** Interned states and their cached transitions for one partition's operations. @internal */
export class StateTable {
  readonly states: unknown[] = [];
  private readonly byKey = new Map<unknown, number>();
  /** Open-addressing index of states by `Model.hash`: 0 empty, otherwise id + 1. */
  private stateSlots = new Int32Array(1 << 10);
  private stateHashes = new Int32Array(1 << 9);
  private keyOf: AnyModel['internKey'];
  private readonly sizeOf: (state: unknown) => number;
  /** Transition cache: (state, op) → next id, open addressing; `fromState` -1 is empty. */
  private fromState: Int32Array;
  private viaOp: Int32Array;
  private toState: Int32Array;
  private mask: number;
  private cached = 0;
  private hits = 0;
  private caching = true;
  /** Estimated bytes of the interned states (`Model.stateSize`, else 64 each). */
  private stateBytes = 0;

  constructor(
    private readonly model: AnyModel,
    private readonly ops: readonly ModelOperation<unknown, unknown>[],
  ) {
    this.keyOf = model.internKey?.bind(model);
    this.sizeOf = model.stateSize === undefined ? () => 64 : model.stateSize.bind(model);
    // About one cached transition per search step; a linearizable history takes a few steps
    // per operation.
    const capacity = 2 ** Math.ceil(Math.log2(Math.min(1 << 20, Math.max(1 << 12, 8 * ops.length))));
    this.fromState = new Int32Array(capacity).fill(-1);
    this.viaOp = new Int32Array(capacity);
    this.toState = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The number of interned states. */
  get size(): number {
    return this.states.length;
  }

  /** Approximate bytes held: the transition cache, the state index and the states. */
  get bytes(): number {
    return this.fromState.byteLength * 3 + this.stateSlots.byteLength +
      this.stateHashes.byteLength + this.stateBytes;
  }

  /** The id of `state`, adding it if new. */
  intern(state: unknown): number {
    if (this.keyOf !== undefined) {
      const key = this.keyOf(state);
      const known = this.byKey.get(key);
      if (known !== undefined) return known;
      this.byKey.set(key, this.states.length);
      this.stateBytes += this.sizeOf(state) + MAP_ENTRY_BYTES;
      return this.states.push(state) - 1;
    }
    const hash = this.model.hash(state) | 0;
    const mask = this.stateSlots.length - 1;
    let slot = Math.imul(hash, 0x9e3779b1) & mask;
    for (;;) {
      const stored = this.stateSlots[slot]!;
      if (stored === 0) break;
      const id = stored - 1;
      if (this.stateHashes[id] === hash && this.model.equal(this.states[id], state)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.states.length;
    this.states.push(state);
    this.stateBytes += this.sizeOf(state);
    if (id === this.stateHashes.length) {
      this.growStateIndex();
      this.stateHashes[id] = hash;
      this.indexState(id);
    } else {
      this.stateHashes[id] = hash;
      this.stateSlots[slot] = id + 1;
    }
    return id;
  }

  /** Doubles the state index and re-inserts every state. */
  private growStateIndex(): void {
    const hashes = new Int32Array(this.stateHashes.length * 2);
    hashes.set(this.stateHashes);
    this.stateHashes = hashes;
    this.stateSlots = new Int32Array(hashes.length * 2);
    for (let id = 0; id < this.states.length - 1; id++) this.indexState(id);
  }

  private indexState(id: number): void {
    const mask = this.stateSlots.length - 1;
    let slot = Math.imul(this.stateHashes[id]!, 0x9e3779b1) & mask;
    while (this.stateSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.stateSlots[slot] = id + 1;
  }

  /** The state id after operation `op` in state `state`, or `ILLEGAL_ID`. */
  next(state: number, op: number): number {
    if (!this.caching) return this.compute(state, op, -1);
    let slot = (Math.imul(state, 0x9e3779b1) ^ Math.imul(op, 0x85ebca6b)) & this.mask;
    for (;;) {
      const from = this.fromState[slot]!;
      if (from === -1) break;
      if (from === state && this.viaOp[slot] === op) {
        this.hits++;
        return this.toState[slot]!;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.compute(state, op, slot);
  }

  /** Steps the model and caches the result in `slot` (when caching). */
  private compute(state: number, op: number, slot: number): number {
    const before = this.states[state];
    const operation = this.ops[op]!;
    const after = this.model.step(before, operation.input, operation.output);
    // A read returns its state unchanged: no need to intern (hash) it again.
    const id = after === ILLEGAL ? ILLEGAL_ID : after === before ? state : this.intern(after);
    if (this.caching) {
      this.fromState[slot] = state;
      this.viaOp[slot] = op;
      this.toState[slot] = id;
      if (++this.cached * 2 > this.fromState.length) this.grow();
      this.maybeStopCaching();
    }
    return id;
  }

  /**
   * Caching pays when (state, operation) pairs recur, as with a register's few values. With
   * a kv model every append makes a new state and most lookups miss, so after a sample the
   * cache is dropped if it hits less than half as often as it misses, or once it is full.
   */
  private maybeStopCaching(): void {
    if (this.cached >= MAX_CACHED_TRANSITIONS) this.caching = false;
    if ((this.cached & 0x7fff) !== 0) return;
    if (this.hits * 2 < this.cached) this.caching = false;
  }

  private grow(): void {
    const fromState = this.fromState;
    const viaOp = this.viaOp;
    const toState = this.toState;
    const capacity = fromState.length * 2;
    this.fromState = new Int32Array(capacity).fill(-1);
    this.viaOp = new Int32Array(capacity);
    this.toState = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < fromState.length; i++) {
      const from = fromState[i]!;
      if (from === -1) continue;
      const op = viaOp[i]!;
      let slot = (Math.imul(from, 0x9e3779b1) ^ Math.imul(op, 0x85ebca6b)) & this.mask;
      while (this.fromState[slot] !== -1) slot = (slot + 1) & this.mask;
      this.fromState[slot] = from;
      this.viaOp[slot] = op;
      this.toState[slot] = toState[i]!;
    }
  }
}

/**
 * Turns a minimised witness into a `Violation` with an explanation in plain words: the
 * operations in call order with process, operation, result and interval; the longest legal
 * order the search found; and, for each operation that could come next, why it cannot.
 * @internal
 */
import type { Operation } from '../history.js';
import type { AnyModel } from '../model.js';
import type { PreparedOperation } from './preparedOperation.js';
import type { Witness } from './minimise.js';
import { ILLEGAL_ID } from './stateTable.js';

/** A linearizability violation in one partition. */
export interface Violation {
  /** The partition key (`''` for a model without partitions). */
  readonly partition: string;
  /** Operations with a known outcome that cannot be ordered together, in call order. */
  readonly operations: readonly Operation[];
  /** Operations with unknown outcome that may have taken effect alongside them. */
  readonly unknownOperations: readonly Operation[];
  /** The longest legal order of the operations above that the search found. */
  readonly longestPrefix: readonly Operation[];
  /** The operations that could not be placed next after `longestPrefix`. */
  readonly stuck: readonly Operation[];
  /** Whether minimisation finished; if not, `operations` is smaller but maybe not minimal. */
  readonly minimal: boolean;
  /** Plain-words explanation: the operations in time order and why they cannot be ordered. */
  readonly explanation: string;
}

/**
 * Formats simulated microseconds for people: `350µs`, `12.5ms`, `1.25s`; `Infinity` (no
 * return) as `…`.
 */
export function formatMicros(time: number): string {
  if (time === Infinity) return '…';
  const abs = Math.abs(time);
  if (abs < 1_000) return `${time}µs`;
  if (abs < 1_000_000) return `${round(time / 1_000)}ms`;
  return `${round(time / 1_000_000)}s`;
}

function round(value: number): string {
  return String(Math.round(value * 1_000) / 1_000);
}

/** Builds the violation report for one partition. @internal */
export function explainViolation(
  model: AnyModel,
  partition: string,
  witness: Witness,
  formatTime: (time: number) => string = formatMicros,
): Violation {
  const { ops, states } = witness;
  const describe = (p: PreparedOperation): string => {
    const recorded = p.original ?? p;
    return `${p.op.process} ${model.describeOperation(recorded.input, recorded.output)}`;
  };
  let state = witness.initialState;
  for (const i of witness.longest) state = states.next(state, i);
  const placed = new Set(witness.longest);
  const remaining = ops.map((_, i) => i).filter((i) => !placed.has(i));
  const frontier = remaining.filter((i) =>
    remaining.every((j) => !(ops[j]!.returnTime < ops[i]!.op.callTime)),
  );
  const lines: string[] = [];
  const where = model.partitionKey === undefined ? '' : ` on key ${JSON.stringify(partition)}`;
  lines.push(
    `Not linearizable${where}: no order of these operations is legal for the ${model.name} ` +
      'model, if each takes effect at one instant between its call and its return.',
  );
  lines.push('Operations, in call order:');
  lines.push(...operationTable(ops, describe, formatTime));
  const prefix = witness.longest.map((i) => describe(ops[i]!));
  const initial = model.describeState(states.states[witness.initialState]);
  const reached = model.describeState(states.states[state]);
  lines.push(
    prefix.length === 0
      ? `No operation can go first from the initial state ${initial}.`
      : `Longest legal order found (${prefix.length} of ${ops.length}): ` +
          `${prefix.join(', then ')}; after it ${reached}.`,
  );
  lines.push('It cannot be continued:');
  for (const i of frontier) {
    const p = ops[i]!;
    const why =
      states.next(state, i) === ILLEGAL_ID
        ? `impossible when ${model.describeState(states.states[state])}`
        : 'possible, but every order that continues from there fails further on';
    lines.push(`  ${describe(p)} cannot come next: ${why}.`);
  }
  lines.push(...deadlineSentence(ops, remaining, describe, formatTime));
  const pick = (indices: Iterable<number>): Operation[] => [...indices].map((i) => ops[i]!.op);
  const known = ops.map((p, i) => i).filter((i) => ops[i]!.returnTime !== Infinity);
  const unknown = ops.map((p, i) => i).filter((i) => ops[i]!.returnTime === Infinity);
  return {
    partition,
    operations: pick(known),
    unknownOperations: pick(unknown),
    longestPrefix: pick(witness.longest),
    stuck: pick(frontier),
    minimal: witness.minimal,
    explanation: lines.join('\n'),
  };
}

function operationTable(
  ops: readonly PreparedOperation[],
  describe: (p: PreparedOperation) => string,
  formatTime: (time: number) => string,
): string[] {
  const labels = ops.map(describe);
  const width = Math.max(...labels.map((l) => l.length));
  return ops.map((p, i) => {
    const returned = p.op.returnTime === Infinity ? '…' : formatTime(p.op.returnTime);
    const interval =
      p.original !== undefined
        ? `${formatTime(p.op.callTime)} – ${returned}, its result is not ` +
          'needed: the conflict remains even if it took effect at any time after its call'
        : p.returnTime === Infinity
          ? `called ${formatTime(p.op.callTime)}, outcome unknown: may have taken effect ` +
            'at any time after its call, or never'
          : `${formatTime(p.op.callTime)} – ${formatTime(p.op.returnTime)}`;
    return `  ${labels[i]!.padEnd(width)}  ${interval}`;
  });
}

/** Names the remaining operation that returned first: it had to take effect by then. */
function deadlineSentence(
  ops: readonly PreparedOperation[],
  remaining: readonly number[],
  describe: (p: PreparedOperation) => string,
  formatTime: (time: number) => string,
): string[] {
  let first: PreparedOperation | undefined;
  for (const i of remaining) {
    const p = ops[i]!;
    if (p.returnTime !== Infinity && (first === undefined || p.returnTime < first.returnTime)) {
      first = p;
    }
  }
  if (first === undefined) return [];
  return [
    `${describe(first)} returned at ${formatTime(first.returnTime)}, so it had to take effect ` +
      'by then; the search tried every order that respects real time and none is legal.',
  ];
}

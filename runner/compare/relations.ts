/**
 * What a comparison expects, as relations between its designs rather than numbers: a teaching
 * scenario's narrative says "Raft stays linearizable and loses availability in the minority;
 * async replication stays available and is not", and `compare.expect` says the same in a form
 * every run checks:
 *
 *     - raft is linearizable
 *     - async is not linearizable
 *     - raft.client-availability-min < async.client-availability-min
 *     - async.rpo-writes > 0
 *
 * A side of a comparison is `DESIGN.METRIC` (any figure the design's run reports: the shared
 * ones of docs/metrics.md or the protocol's own) or a number; the operators are `<`, `<=`, `>`,
 * `>=`, `==` and `!=`. A figure a run did not report fails the relation, never passes it.
 */

/** One side of a comparison. */
export type Operand =
  | { readonly target: string; readonly metric: string }
  | { readonly value: number };

const OPERATORS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

/** A relation a comparison expects. */
export type Relation =
  | { readonly text: string; readonly kind: 'verdict'; readonly target: string;
    readonly linearizable: boolean }
  | { readonly text: string; readonly kind: 'compare'; readonly left: Operand;
    readonly op: Operator; readonly right: Operand };

/** What a relation reads of one design's run. */
export interface DesignFigures {
  readonly metrics: Readonly<Record<string, number>>;
  /** `linearizable`, `not-linearizable`, `unknown`, or `not checked` (no history model). */
  readonly verdict: string;
}

/** The result of checking one relation. */
export interface RelationResult {
  readonly text: string;
  readonly holds: boolean;
  /** The figures it compared, in words: `raft.rpo-writes = 0 < async.rpo-writes = 8`. */
  readonly detail: string;
}

const VERDICT = /^([a-z0-9-]+) is (not )?linearizable$/;
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function operand(text: string, targets: readonly string[]): Operand | string {
  const value = Number(text);
  if (text !== '' && Number.isFinite(value)) return { value };
  const dot = text.indexOf('.');
  const target = dot < 0 ? text : text.slice(0, dot);
  const metric = dot < 0 ? '' : text.slice(dot + 1);
  if (!targets.includes(target)) {
    return `${JSON.stringify(target)} is not a design of this comparison (${targets.join(', ')})`;
  }
  if (!NAME.test(metric)) return `${JSON.stringify(text)}: DESIGN.METRIC, such as ${target}.rto-ms`;
  return { target, metric };
}

/** Reads a relation, or says what is wrong with it. */
export function parseRelation(text: string, targets: readonly string[]): Relation | string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const verdict = VERDICT.exec(trimmed);
  if (verdict !== null) {
    const target = verdict[1] as string;
    if (!targets.includes(target)) {
      return `${JSON.stringify(target)} is not a design of this comparison (${targets.join(', ')})`;
    }
    return { text: trimmed, kind: 'verdict', target, linearizable: verdict[2] === undefined };
  }
  const op = OPERATORS.find((o) => trimmed.includes(` ${o} `));
  if (op === undefined) {
    return 'a relation such as "raft.rto-ms < async.rto-ms", "async.rpo-writes > 0" or ' +
      `"raft is linearizable", got ${JSON.stringify(text)}`;
  }
  const [l, r] = trimmed.split(` ${op} `).map((side) => side.trim());
  const left = operand(l ?? '', targets);
  const right = operand(r ?? '', targets);
  if (typeof left === 'string') return left;
  if (typeof right === 'string') return right;
  if ('value' in left && 'value' in right) return `${JSON.stringify(text)} compares two numbers`;
  return { text: trimmed, kind: 'compare', left, op, right };
}

const HOLDS: Readonly<Record<Operator, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
  '==': (a, b) => a === b, '!=': (a, b) => a !== b,
};

/** Checks a relation against the designs' figures. */
export function checkRelation(relation: Relation,
  figures: (target: string) => DesignFigures | undefined): RelationResult {
  if (relation.kind === 'verdict') {
    const verdict = figures(relation.target)?.verdict ?? 'not run';
    const holds = relation.linearizable ? verdict === 'linearizable'
      : verdict === 'not-linearizable';
    return { text: relation.text, holds, detail: `${relation.target}: ${verdict}` };
  }
  const read = (o: Operand): { value?: number; text: string } => {
    if ('value' in o) return { value: o.value, text: String(o.value) };
    const value = figures(o.target)?.metrics[o.metric];
    const name = `${o.target}.${o.metric}`;
    return value === undefined ? { text: `${name} (not measured)` }
      : { value, text: `${name} = ${value}` };
  };
  const left = read(relation.left);
  const right = read(relation.right);
  const holds = left.value !== undefined && right.value !== undefined &&
    HOLDS[relation.op](left.value, right.value);
  return { text: relation.text, holds, detail: `${left.text} ${relation.op} ${right.text}` };
}

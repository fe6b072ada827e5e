/**
 * Problems in a scenario file, each with its place: `file:line:column: field: what was
 * expected`. The loader collects every problem it can find (YAML syntax, schema, node ids,
 * protocol parameters) and throws them together, so a user fixes a file in one round.
 *
 * Places come from the YAML document itself: a field path such as `faults[2].crash` is walked
 * through the parsed node tree to the node's source offset, then to line and column.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { z } from 'zod';

/** One thing wrong with a scenario file. */
export interface Problem {
  readonly file: string;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
  /** The field, such as `faults[2].crash` (empty for the file as a whole). */
  readonly path: string;
  readonly message: string;
}

/** Formats a problem as `file:line:column: field: message`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
}

/** A scenario file that cannot run; `problems` lists everything found wrong. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    super(sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
  }
}

/** A path segment: a mapping key or a sequence index. */
export type Segment = string | number;

/** `['faults', 2, 'crash']` → `faults[2].crash`. */
export function pathText(path: readonly Segment[]): string {
  return path.reduce<string>((text, seg) => typeof seg === 'number' ? `${text}[${seg}]`
    : text === '' ? seg : `${text}.${seg}`, '');
}

/** `faults[2].crash` or `params.bugs.0` → `['faults', 2, 'crash']` / `['params','bugs',0]`. */
export function parsePath(text: string): Segment[] {
  const out: Segment[] = [];
  for (const part of text.split(/\.|\[|\]/).filter((p) => p !== '')) {
    out.push(/^\d+$/.test(part) ? Number(part) : part);
  }
  return out;
}

/** Finds places in one parsed YAML document. */
export class Locator {
  constructor(
    readonly file: string,
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
    /** Rewrites a path before it is placed (see `within`). */
    private readonly rewrite: (path: readonly Segment[]) => readonly Segment[] = (p) => p,
  ) {}

  /**
   * The same document with every path rewritten first: a part of the file read as a scenario
   * of its own (a comparison's design: `params.x` is `compare.targets.raft.params.x`).
   */
  within(rewrite: (path: readonly Segment[]) => readonly Segment[]): Locator {
    return new Locator(this.file, this.doc, this.lines, (p) => this.rewrite(rewrite(p)));
  }

  /** A problem at `path`: at the deepest node of the path that exists (its key if `key`). */
  problem(at: readonly Segment[], message: string, key = false): Problem {
    const path = this.rewrite(at);
    return this.at(this.offset(path, key), message, pathText(path));
  }

  /** A problem at a source offset. */
  at(offset: number, message: string, path = ''): Problem {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(1, line), column: Math.max(1, col), path, message };
  }

  private offset(path: readonly Segment[], key: boolean): number {
    let node: unknown = this.doc?.contents;
    let offset = rangeStart(node) ?? 0;
    for (const [i, seg] of path.entries()) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) =>
          String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (pair === undefined) return offset;
        if (key && i === path.length - 1) return rangeStart(pair.key) ?? offset;
        next = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      const start = rangeStart(next);
      if (start === undefined) return offset;
      node = next;
      offset = start;
    }
    return offset;
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | undefined)?.range;
  return range === undefined || range === null ? undefined : range[0];
}

/** The value at `path` in plain data, for messages. */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg as string];
  }
  return v;
}

const show = (value: unknown): string =>
  value === undefined ? 'nothing' : typeof value === 'number' && !Number.isFinite(value)
    ? String(value) : JSON.stringify(value) ?? String(value);

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number', string: 'a string', boolean: 'true or false', array: 'a list',
  object: 'a mapping', record: 'a mapping', int: 'an integer',
};

/** Turns zod issues into problems; `prefix` is where the parsed value sits in the file. */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  locator: Locator,
  prefix: readonly Segment[] = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((s) => typeof s === 'symbol' ? String(s) : s)];
    const value = valueAt(data, issue.path);
    // A union with its own message (a duration, a seed) says what it wants already.
    const branch = issue.code === 'invalid_union' && issue.message.startsWith('Invalid')
      ? matchingBranch(issue.errors) : undefined;
    if (branch !== undefined) {
      // The value has the shape of one allowed form: say what is wrong inside that form.
      out.push(...issueProblems(branch, value, locator, path));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        out.push(locator.problem([...path, k], `unknown field ${JSON.stringify(k)}`, true));
      }
      continue;
    }
    out.push(locator.problem(path, issueMessage(issue, value)));
  }
  return out;
}

/**
 * Of a union's alternatives, the one whose type the value has: the only branch whose issues
 * are not all a mismatch of the value's own type. Undefined when none or several are.
 */
function matchingBranch(errors: readonly (readonly z.core.$ZodIssue[])[]):
  z.core.$ZodIssue[] | undefined {
  const typed = errors.filter((issues) =>
    !issues.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  return typed.length === 1 ? [...(typed[0] as z.core.$ZodIssue[])] : undefined;
}

/** What a validation issue of `data` asks for, in this file's words (`one of a, b, got c`). */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  return issueMessage(issue, valueAt(data, issue.path));
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const own = !issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ');
  if (own) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      return value === undefined ? `required: ${want}` : `${want}, got ${show(value)}`;
    }
    case 'invalid_value':
      return `one of ${issue.values.map((v) => String(v)).join(', ')}, got ${show(value)}`;
    case 'too_small':
      return issue.origin === 'array' ? `at least ${issue.minimum} item(s)`
        : `${issue.inclusive === false ? 'above' : 'at least'} ${issue.minimum}, got ${show(value)}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} item(s)`
        : `${issue.inclusive === false ? 'below' : 'at most'} ${issue.maximum}, got ${show(value)}`;
    case 'invalid_union':
      return `none of the allowed forms matches ${show(value)}`;
    default:
      return `${issue.message} (got ${show(value)})`;
  }
}

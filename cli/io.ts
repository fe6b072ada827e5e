/**
 * What every command shares: exit codes (0 all held, 1 a violation or failed expectation,
 * 2 bad input, 3 undetermined: `check-history` ran out of budget), the error that carries a bad-input message to the top, and output as either
 * readable text or exactly one JSON document on stdout (`--json`).
 */
import { writeSync } from 'node:fs';

/**
 * Exit codes of `faultline`, for scripts to branch on: 0 everything held (a history is
 * linearizable), 1 a violation or failed expectation (not linearizable), 2 bad input,
 * 3 unknown (the linearizability check ran out of its budget).
 */
export const EXIT = { ok: 0, failed: 1, badInput: 2, unknown: 3 } as const;

/** Bad input: printed without a stack trace; exit code 2. `problems` for `--json`. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(message: string, readonly problems: readonly unknown[] = []) {
    super(message);
  }
}

/** Writes to stdout synchronously (so a pipe gets everything before the process exits). */
export function out(text: string): void {
  writeSync(1, text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes to stderr synchronously. */
export function err(text: string): void {
  writeSync(2, text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints one JSON document on stdout. */
export function outJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** A plain text table: columns padded, numbers right-aligned. */
export function table(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const numeric = head.map((_, i) =>
    rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (c: readonly string[]): string => c.map((x, i) => numeric[i]
    ? x.padStart(widths[i] ?? 0) : x.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

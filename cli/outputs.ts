/**
 * Output files that never appear half-written: each is written to a temporary file beside it
 * (`out.jsonl.<pid>.tmp`) and renamed into place when complete. A temporary file is removed
 * on every way out of the process that runs code: an error, `process.exit`, Ctrl-C (SIGINT),
 * SIGTERM and SIGHUP. What no handler sees (SIGKILL, V8's own out-of-memory abort) the run
 * limits keep from happening during a run (runner/limits.ts, cli/watchdog.ts).
 *
 * Signal handlers run between two slices of a run (cli/execute.ts hands control back to the
 * event loop every few thousand events); they are installed only while a file is pending, so
 * otherwise Ctrl-C ends the process at once, as it always does.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { err } from './io.js';

/** Temporary files not yet renamed into place. */
const pending = new Set<string>();

const SIGNALS = [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const;
const handlers = SIGNALS.map(([signal, code]) => [signal, () => {
  const removed = removePending();
  err(`${signal}: stopped${removed.length === 0 ? '' : `; removed the partial ${
    removed.join(', ')}`}`);
  process.exit(code);
}] as const);

function removePending(): string[] {
  const removed = [...pending];
  for (const temp of removed) rmSync(temp, { force: true });
  pending.clear();
  return removed;
}

function track(temp: string): void {
  if (pending.size === 0) {
    process.on('exit', removePending);
    for (const [signal, handler] of handlers) process.on(signal, handler);
  }
  pending.add(temp);
}

function untrack(temp: string): void {
  if (!pending.delete(temp) || pending.size > 0) return;
  process.off('exit', removePending);
  for (const [signal, handler] of handlers) process.off(signal, handler);
}

/** Text buffered up to this many characters before a write. */
const BUFFER = 1 << 20;

/** A file being written: `write` as often as needed, then `commit` or `discard`. */
export class OutputFile {
  readonly temp: string;
  private readonly fd: number;
  private buffer = '';
  private open = true;

  constructor(readonly path: string) {
    this.temp = `${path}.${process.pid}.tmp`;
    track(this.temp);
    try {
      this.fd = openSync(this.temp, 'w');
    } catch (error) {
      untrack(this.temp);
      throw error;
    }
  }

  /** Appends text (buffered). */
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= BUFFER) this.flush();
  }

  /** Completes the file: it appears at `path`. */
  commit(): void {
    this.flush();
    this.close();
    renameSync(this.temp, this.path);
    untrack(this.temp);
  }

  /** Abandons the file: nothing appears, the temporary file is gone. */
  discard(): void {
    this.close();
    rmSync(this.temp, { force: true });
    untrack(this.temp);
  }

  private flush(): void {
    if (this.buffer !== '') writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

/**
 * Reading input files within bounds: a whole file up to a size (a scenario is a few KiB; a
 * megabyte-long one is a mistake, and `/dev/zero` never ends), or a file of any size line by
 * line, holding one line at a time, each up to a length (a trace of millions of records).
 * Both say what is wrong with the file's name, and never read without end.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from './io.js';

const CHUNK = 1 << 20;

/** The size of a scenario file at most. */
export const MAX_SCENARIO_BYTES = 1 << 20;

/** The length of one line of a trace file at most. */
export const MAX_LINE_CHARS = 64 << 20;

const megabytes = (bytes: number): string => `${+(bytes / 2 ** 20).toFixed(1)} MiB`;

function open(file: string): number {
  try {
    return openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'a directory, not a file' : String(code)})`);
  }
}

function read(file: string, fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read (${code === 'EISDIR' ? 'a directory, not a file'
      : String(code)})`);
  }
}

/** Reads a whole file as UTF-8 text, or throws `InputError` when it is over `maxBytes`. */
export function readBounded(file: string, maxBytes: number, what: string): string {
  const fd = open(file);
  try {
    const size = fstatSync(fd).isFile() ? fstatSync(fd).size : 0;
    const tooBig = (): never => {
      throw new InputError(`${file}: ${size > 0 ? `${megabytes(size)}` : 'more than ' +
        megabytes(maxBytes)}, too big for ${what} (at most ${megabytes(maxBytes)})`);
    };
    if (size > maxBytes) tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1));
    for (let n = read(file, fd, buffer); n > 0; n = read(file, fd, buffer)) {
      total += n;
      if (total > maxBytes) tooBig();
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a file, one at a time (without their `\n` or `\r\n`), however big the file;
 * throws `InputError` naming the line when one is longer than `maxChars`.
 */
export function* readLines(file: string, maxChars = MAX_LINE_CHARS): Generator<string> {
  const fd = open(file);
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let carry = '';
    let line = 0;
    const finish = (text: string): string => {
      line++;
      return text.endsWith('\r') ? text.slice(0, -1) : text;
    };
    for (let n = read(file, fd, buffer); n > 0; n = read(file, fd, buffer)) {
      const text = carry + decoder.write(buffer.subarray(0, n));
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        yield finish(text.slice(from, nl));
        from = nl + 1;
      }
      carry = text.slice(from);
      if (carry.length > maxChars) {
        throw new InputError(`${file}:${line + 1}:1: a line longer than ${
          megabytes(maxChars)}: not a trace record`);
      }
    }
    carry += decoder.end();
    if (carry !== '') yield finish(carry);
  } finally {
    closeSync(fd);
  }
}

/** The first character of a file that is not white space ('' for none), reading little. */
export function firstCharacter(file: string): string {
  const fd = open(file);
  try {
    const buffer = Buffer.allocUnsafe(4096);
    for (let n = read(file, fd, buffer); n > 0; n = read(file, fd, buffer)) {
      const text = buffer.subarray(0, n).toString('latin1').trimStart();
      if (text !== '') return text[0] as string;
    }
    return '';
  } finally {
    closeSync(fd);
  }
}

/**
 * The error for a history file that cannot be read: it names the file and the 1-based line,
 * and says what was expected there, as `file:line: message`. Bad user input is rejected up
 * front with its location (EXAMPLES.md §6), never half-read.
 */

/** A history file could not be parsed; `message` reads `file:line: what was expected`. */
export class HistoryFormatError extends Error {
  /** The file name as given to the parser. */
  readonly file: string;
  /** The 1-based line number. */
  readonly line: number;
  /** What was wrong, without the location. */
  readonly detail: string;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'HistoryFormatError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

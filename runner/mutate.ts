/**
 * Mutations of real input files, as a careless or hostile user makes them, for fuzzing the
 * readers: fast-check arbitraries that take a real scenario file or trace and return its text
 * with a few edits. They drive the readers' fuzz tests and `npm run hostile`
 * (cli/hostileInputs.ts), which runs a thousand of them through the CLI.
 *
 * A scenario gets line edits (a value replaced by a nasty one, a number scaled by 1000 or
 * zeroed or negated, a key renamed, a line deleted, doubled, moved, re-indented or borrowed
 * from another file), and byte edits (truncation, a byte flipped, a control or non-ASCII
 * character inserted). A trace gets the same byte edits, record edits (a record replaced by
 * `null`, `42`, `[]`; a field set to a wrong type or value; lines deleted, doubled, swapped)
 * and header edits (another version, no seed, nodes that are not a list, its scenario mutated
 * as above). Edits are numbers mapped onto the text, so fast-check shrinks a failure to fewer
 * and simpler edits. Browser-safe: plain text in, plain text out.
 */
import fc from 'fast-check';

/** Values a user might type where a value belongs. */
export const NASTY_VALUES: readonly string[] = [
  '0', '0s', '0ms', '-1', '-1s', '1us', '525600m', '1e308', '1e400', '-1e300', '.inf', '.nan',
  '~', 'null', "''", '""', 'true', '[]', '{}', '[[]]', '{ a: 1 }', 'toString', '__proto__',
  'constructor', 'hasOwnProperty', 'n0', 'n99', 'c1', 'c999', 'all', '[n1, n1]', '0x10', '1_000',
  '99999999999999999999', '1.5', '0.0000001', '*nope', '&a x', '!!binary AA==', '!!js/function',
  '[[[[', '{', '- -', '"unterminated', '"\\u0000"', '"é ☃ \\ud83d"', `"${'x'.repeat(5_000)}"`,
  '[1, 2, 3]', '2000000000', '100000', '-0', '1/s', '0/s',
];

/** Keys a user might mistype a key into. */
const NASTY_KEYS = ['toString', '__proto__', 'constructor', '<<', 'nodez', 'Name', 'limits',
  'seed', 'expect', '"a\\nb"', ''];

const SCALE = [0, 1000, 1 / 1000, -1, 1e6];

type LineEdit =
  | { op: 'value' | 'key'; line: number; pick: number }
  | { op: 'scale'; line: number; pick: number }
  | { op: 'delete' | 'dup' | 'indent' | 'dedent'; line: number }
  | { op: 'move'; line: number; to: number }
  | { op: 'borrow'; line: number; donor: number; from: number };

type ByteEdit =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'insert'; at: number; pick: number };

const INSERTS = ['\u0000', '\r', '\t', '\ufeff', '\u2028', 'é', '☃', '\ud83d', '"', "'", '#', ':',
  '\n', ' ', '{', '['];

const lineEdit = (donors: number): fc.Arbitrary<LineEdit> => fc.oneof(
  fc.record({ op: fc.constantFrom('value' as const, 'key' as const), line: fc.nat(),
    pick: fc.nat() }),
  fc.record({ op: fc.constant('scale' as const), line: fc.nat(), pick: fc.nat() }),
  fc.record({ op: fc.constantFrom('delete' as const, 'dup' as const, 'indent' as const,
    'dedent' as const), line: fc.nat() }),
  fc.record({ op: fc.constant('move' as const), line: fc.nat(), to: fc.nat() }),
  ...(donors === 0 ? [] : [fc.record({ op: fc.constant('borrow' as const), line: fc.nat(),
    donor: fc.nat(donors - 1), from: fc.nat() })]),
);

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(6) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), pick: fc.nat() }),
);

const at = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

/** Applies one line edit to `lines` (in place). */
function applyLine(lines: string[], edit: LineEdit, donors: readonly (readonly string[])[]): void {
  if (lines.length === 0) return;
  const i = edit.line % lines.length;
  const line = lines[i] as string;
  const colon = line.search(/:(\s|$)/);
  switch (edit.op) {
    case 'value':
      if (colon >= 0) lines[i] = `${line.slice(0, colon)}: ${at(NASTY_VALUES, edit.pick)}`;
      else lines[i] = line.replace(/[^\s-].*$/, at(NASTY_VALUES, edit.pick));
      return;
    case 'key':
      if (colon >= 0) lines[i] = line.replace(/[\w<>"-]+(?=\s*:)/, at(NASTY_KEYS, edit.pick));
      return;
    case 'scale': {
      const factor = at(SCALE, edit.pick);
      lines[i] = line.replace(/(-?\d+(?:\.\d+)?)(\s*(?:us|µs|ms|s|m)\b)?/, (_, n: string,
        unit: string | undefined) => `${+(Number(n) * factor).toPrecision(12)}${unit ?? ''}`);
      return;
    }
    case 'delete':
      lines.splice(i, 1);
      return;
    case 'dup':
      lines.splice(i, 0, line);
      return;
    case 'indent':
      lines[i] = `  ${line}`;
      return;
    case 'dedent':
      lines[i] = line.replace(/^ {1,2}/, '');
      return;
    case 'move':
      lines.splice(i, 1);
      lines.splice(edit.to % (lines.length + 1), 0, line);
      return;
    case 'borrow': {
      const donor = at(donors, edit.donor);
      if (donor.length > 0) lines.splice(i, 0, at(donor, edit.from));
    }
  }
}

/** Applies one byte-level edit to `text`. */
function applyBytes(text: string, edit: ByteEdit): string {
  const i = text.length === 0 ? 0 : edit.at % text.length;
  switch (edit.op) {
    case 'truncate':
      return text.slice(0, i);
    case 'flip':
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << edit.bit)) +
        text.slice(i + 1);
    case 'insert':
      return text.slice(0, i) + at(INSERTS, edit.pick) + text.slice(i);
  }
}

/**
 * A scenario file (or any YAML) with one to four edits; `donors` are other real files whose
 * lines may be borrowed.
 */
export function mutatedYaml(text: string, donors: readonly string[] = []): fc.Arbitrary<string> {
  const donorLines = donors.map((d) => d.split('\n'));
  const edit = fc.oneof({ weight: 4, arbitrary: lineEdit(donors.length).map((e) => ({ e })) },
    { weight: 1, arbitrary: byteEdit.map((b) => ({ b })) });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let lines = text.split('\n');
    for (const x of edits) {
      if ('e' in x) applyLine(lines, x.e, donorLines);
      else lines = applyBytes(lines.join('\n'), x.b).split('\n');
    }
    return lines.join('\n');
  });
}

type RecordEdit =
  | { op: 'replace'; line: number; pick: number }
  | { op: 'field'; line: number; field: number; pick: number }
  | { op: 'delete' | 'dup' | 'blank'; line: number }
  | { op: 'swap'; line: number; to: number };

const RECORDS = ['null', '42', '"str"', '[]', '["x"]', '{}', 'true', '{"i":0}', ''];
const FIELDS = ['i', 't', 'kind', 'node', 'to', 'from', 'id', 'tag', 'data', 'extra'];
const FIELD_VALUES: readonly unknown[] = [null, -1, 1.5, 1e308, '', 'x', 'toString', '__proto__',
  'n99', 'c1', 'send', 'deliver', [], {}, true, 2 ** 53, -0.0];

const recordEdit: fc.Arbitrary<RecordEdit> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), line: fc.nat(), pick: fc.nat() }),
  fc.record({ op: fc.constant('field' as const), line: fc.nat(), field: fc.nat(), pick: fc.nat() }),
  fc.record({ op: fc.constantFrom('delete' as const, 'dup' as const, 'blank' as const),
    line: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), line: fc.nat(), to: fc.nat() }),
);

type HeaderEdit = { op: 'field'; field: number; pick: number } | { op: 'scenario'; yaml: string };

const HEADER_FIELDS = ['format', 'version', 'seed', 'nodes', 'clients', 'meta'];
const HEADER_VALUES: readonly unknown[] = [undefined, null, 2, 0, 1, '1', 3, [], ['n1'],
  ['n1', 'n1'], ['n1', 'n2', 'n3', 'n4'], 'x'.repeat(300), {}, 'faultline-trace', ['toString']];

/** Applies one record edit to a trace's lines (the header is line 0, left alone here). */
function applyRecord(lines: string[], edit: RecordEdit): void {
  if (lines.length < 2) return;
  const i = 1 + (edit.line % (lines.length - 1));
  switch (edit.op) {
    case 'replace':
      lines[i] = at(RECORDS, edit.pick);
      return;
    case 'field': {
      let r: unknown;
      try {
        r = JSON.parse(lines[i] as string);
      } catch {
        return;
      }
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return;
      const value = at(FIELD_VALUES, edit.pick);
      lines[i] = JSON.stringify({ ...r, [at(FIELDS, edit.field)]: value });
      return;
    }
    case 'delete':
      lines.splice(i, 1);
      return;
    case 'dup':
      lines.splice(i, 0, lines[i] as string);
      return;
    case 'blank':
      lines.splice(i, 0, '');
      return;
    case 'swap': {
      const j = 1 + (edit.to % (lines.length - 1));
      [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
    }
  }
}

function applyHeader(lines: string[], edit: HeaderEdit): void {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  } catch {
    return;
  }
  if (typeof h !== 'object' || h === null) return;
  if (edit.op === 'scenario') {
    h.meta = { ...(h.meta as object | undefined), scenario: edit.yaml };
  } else {
    const field = at(HEADER_FIELDS, edit.field);
    const value = at(HEADER_VALUES, edit.pick);
    if (value === undefined) delete h[field];
    else h[field] = value;
  }
  lines[0] = JSON.stringify(h);
}

/**
 * A trace file (JSON Lines) with one to four edits to its records, its header (which may
 * carry a mutated copy of its own scenario) or its bytes.
 */
export function mutatedTrace(text: string): fc.Arbitrary<string> {
  const header = (() => {
    try {
      return JSON.parse(text.slice(0, text.indexOf('\n'))) as { meta?: { scenario?: unknown } };
    } catch {
      return undefined;
    }
  })();
  const scenario = typeof header?.meta?.scenario === 'string' ? header.meta.scenario : undefined;
  const headerEdit: fc.Arbitrary<HeaderEdit> = fc.oneof(
    fc.record({ op: fc.constant('field' as const), field: fc.nat(), pick: fc.nat() }),
    ...(scenario === undefined ? [] : [mutatedYaml(scenario).map((yaml) =>
      ({ op: 'scenario' as const, yaml }))]));
  const edit = fc.oneof({ weight: 4, arbitrary: recordEdit.map((r) => ({ r })) },
    { weight: 2, arbitrary: headerEdit.map((h) => ({ h })) },
    { weight: 1, arbitrary: byteEdit.map((b) => ({ b })) });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let lines = text.replace(/\n$/, '').split('\n');
    for (const x of edits) {
      if ('r' in x) applyRecord(lines, x.r);
      else if ('h' in x) applyHeader(lines, x.h);
      else lines = applyBytes(lines.join('\n'), x.b).split('\n');
    }
    return `${lines.join('\n')}\n`;
  });
}

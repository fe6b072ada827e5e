/**
 * How a comparison is shown: the designs (protocol, parameters, the roles each run resolved),
 * the one table of figures (runner/compare/figures.ts) with a column per design, the relations
 * of `compare.expect` with the figures they compared, and what went wrong. `--json` carries
 * the same table and each design's run as `faultline run --json` prints it.
 */
import { type ComparisonReport, type DesignRun, FIGURES, figureRows } from
  '../runner/compare/index.js';
import { formatDuration, showDuration as showTime } from '../protocols/durations.js';
import { type RunJson, runJson } from './report.js';

/** A comparison as `--json` prints it. */
export interface ComparisonJson {
  readonly comparison: string;
  readonly file: string;
  readonly description: string;
  readonly conditionsDiffer: readonly string[];
  readonly designs: readonly {
    readonly name: string;
    readonly protocol: string;
    readonly params: unknown;
    readonly verdict: string;
    readonly resolved: DesignRun['resolved'];
    readonly outages: readonly { start: number; end: number | null; causes: readonly string[];
      lostWrites: number }[];
    readonly problems: readonly string[];
    readonly run: RunJson;
  }[];
  readonly table: readonly { key: string; label: string; cells: readonly string[];
    values: readonly (number | null)[] }[];
  readonly relations: ComparisonReport['relations'];
  readonly passed: boolean;
}

/** The JSON form of a comparison. */
export function comparisonJson(report: ComparisonReport, file: string,
  differ: readonly string[] = []): ComparisonJson {
  return {
    comparison: report.name, file, description: report.description, conditionsDiffer: differ,
    designs: report.runs.map((r) => ({ name: r.name, protocol: r.protocol, params: r.params,
      verdict: r.verdict, resolved: r.resolved, problems: r.problems,
      outages: r.outages.map((o) => ({ start: o.start, end: o.end ?? null, causes: o.causes,
        lostWrites: o.lost.length })),
      run: runJson(r.report) })),
    table: figureRows(report.runs).map((row) => ({ key: row.key, label: row.label,
      cells: row.cells, values: row.values.map((v) => v ?? null) })),
    relations: report.relations, passed: report.passed,
  };
}

/** Parameters in a line: `{ mode: async, acks: 1 }`. */
export function paramsText(params: unknown): string {
  const entries = Object.entries((params ?? {}) as Record<string, unknown>);
  return entries.length === 0 ? '' : ` { ${entries.map(([k, v]) =>
    `${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ')} }`;
}

/** A table: the first column left-aligned, the others right-aligned, a rule under the head. */
function columns(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [head, ...rows];
  // A row of one cell (a heading) does not widen the first column.
  const widths = head.map((_, i) => Math.max(...all.filter((r) => r.length > 1)
    .map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => i === 0 ? c.padEnd(widths[i] ?? 0)
    : c.padStart(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The readable form of a comparison. */
export function comparisonText(report: ComparisonReport, file: string,
  differ: readonly string[] = []): string {
  const runs = report.runs;
  const seed = [...new Set(runs.map((r) => r.report.seed))].join(', ');
  const lines = [`${report.passed ? 'PASSED' : 'FAILED'}  ${report.name}  (${runs.length} ` +
    `designs, seed ${seed})  ${file}`];
  if (report.description !== '') lines.push(`  ${report.description}`);
  if (differ.length > 0) {
    lines.push(`  note: the scenarios differ in ${differ.join(', ')}, not only in their design`);
  }
  lines.push('  designs:');
  const width = Math.max(...runs.map((r) => r.name.length));
  for (const r of runs) {
    const roles = r.resolved.map((x) => `${x.word.includes('@') ? x.word
      : `${x.word}@${formatDuration(x.at)}`} = ${x.node}${x.held ? '' : ' (nobody led)'}`);
    lines.push(`    ${r.name.padEnd(width)}  ${r.protocol}${paramsText(r.params)}${
      roles.length === 0 ? '' : `; ${roles.join(', ')}`}`);
  }
  const rows = figureRows(runs).filter((row) => row.values.some((v) => v !== undefined) ||
    row.key === 'verdict');
  const shared = new Set(FIGURES.map((f) => f.key));
  const own = rows.findIndex((row) => !shared.has(row.key));
  const cells = rows.map((row) => [row.label, ...row.cells]);
  if (own >= 0) cells.splice(own, 0, [`${runs[0]?.protocol}'s own figures:`]);
  lines.push(...columns(['figure', ...runs.map((r) => r.name)], cells).map((l) => `  ${l}`));
  if (report.relations.length > 0) {
    lines.push('  relations:');
    for (const r of report.relations) {
      lines.push(`    ${r.holds ? 'holds' : 'FAILS'}  ${r.text}   (${r.detail})`);
    }
  }
  for (const r of runs) {
    for (const p of r.problems) lines.push(`  ${r.name}: ${p.split('\n')[0]}`);
  }
  lines.push(`  simulated ${showTime(Math.max(...runs.map((r) => r.report.result.time)))} ` +
    `per design; trace hashes ${runs.map((r) => `${r.name} ${r.report.result.hash}`).join(', ')}`);
  return lines.join('\n');
}

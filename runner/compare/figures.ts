/**
 * The one table of a comparison: the figures every design is measured by (docs/metrics.md),
 * in the order they are read, as cells of text. The CLI prints it (one column per design),
 * `--json` carries the same rows, and the visualizer draws it beside the runs, so all three
 * say the same thing.
 */
import type { DesignRun } from './run.js';

/** One row of the table. */
export interface FigureRow {
  /** What the row shows, as a person reads it. */
  readonly label: string;
  /** The metric it shows, or `verdict` / `outages-rto` for the two that are not one number. */
  readonly key: string;
  /** One cell per design, in the comparison's order. */
  readonly cells: readonly string[];
  /** The numbers behind the cells (undefined where a design has no such figure). */
  readonly values: readonly (number | undefined)[];
}

/**
 * The rows: metric, label, and how many decimals a cell shows (a protocol's own figures, which
 * may be counts or times, show up to three, as they come: -3).
 */
export const FIGURES: readonly { key: string; label: string; digits: number }[] = [
  { key: 'client-availability', label: 'availability (answered ops)', digits: 4 },
  { key: 'client-availability-min', label: '  worst client', digits: 4 },
  { key: 'service-availability', label: 'availability in time', digits: 4 },
  { key: 'service-nines', label: '  nines', digits: 2 },
  { key: 'downtime-h-per-year', label: '  downtime h/year', digits: 1 },
  { key: 'verdict', label: 'linearizable', digits: 0 },
  { key: 'client-stale-reads', label: 'stale reads', digits: 0 },
  { key: 'rpo-writes', label: 'lost acked writes (RPO)', digits: 0 },
  { key: 'rpo-ms', label: 'RPO ms', digits: 1 },
  { key: 'outages', label: 'outages', digits: 0 },
  { key: 'outages-rto', label: 'RTO per outage ms', digits: 0 },
  { key: 'latency-p50-ms', label: 'latency p50 ms', digits: 2 },
  { key: 'latency-p99-ms', label: 'latency p99 ms', digits: 2 },
  { key: 'messages-per-op', label: 'messages per op', digits: 1 },
];

const VERDICT_WORDS: Readonly<Record<string, string>> = {
  linearizable: 'yes', 'not-linearizable': 'NO', unknown: 'unknown',
};

/** Outages a cell lists one by one; beyond, it counts the rest. */
const LISTED_OUTAGES = 4;

/**
 * Each outage's length in ms, in order (`+` marks one still open when the run ended), the
 * first few and then how many more: `294 279`, `55 97 1678 21 …+11`.
 */
export function outageCell(run: DesignRun): string {
  if (run.outages.length === 0) return '-';
  const end = run.report.result.time;
  const shown = run.outages.slice(0, LISTED_OUTAGES).map((o) =>
    `${Math.round(((o.end ?? end) - o.start) / 1000)}${o.end === undefined ? '+' : ''}`);
  const more = run.outages.length - shown.length;
  return [...shown, ...(more > 0 ? [`…+${more}`] : [])].join(' ');
}

/**
 * Shared figures every run reports but the table leaves out (docs/metrics.md lists them), so
 * that they do not come back as a protocol's own.
 */
const NOT_OWN = new Set(['outages-open', 'rto-ms', 'rto-max-ms', 'node-availability',
  'quorum-availability']);

/**
 * The table's rows for these runs: the shared figures, then, when every design runs one
 * protocol (2PC against Paxos Commit), that protocol's own figures too, under their own names.
 * Designs of different protocols never share a row of their own figures: one name may mean two
 * things in two protocols.
 */
export function figureRows(runs: readonly DesignRun[]): FigureRow[] {
  const protocols = new Set(runs.map((r) => r.protocol));
  const shared = new Set(FIGURES.map((f) => f.key));
  const own = protocols.size !== 1 ? [] : Object.keys(runs[0]?.report.metrics ?? {})
    .filter((k) => !shared.has(k) && !NOT_OWN.has(k) &&
      runs.every((r) => r.report.metrics[k] !== undefined))
    .map((key) => ({ key, label: key, digits: -3 }));
  return [...FIGURES, ...own].map(({ key, label, digits }) => {
    if (key === 'verdict') {
      return { key, label, cells: runs.map((r) => VERDICT_WORDS[r.verdict] ?? r.verdict),
        values: runs.map((r) => r.verdict === 'linearizable' ? 1
          : r.verdict === 'not-linearizable' ? 0 : undefined) };
    }
    if (key === 'outages-rto') {
      return { key, label, cells: runs.map(outageCell), values: runs.map((r) =>
        r.report.metrics['rto-max-ms']) };
    }
    const values = runs.map((r) => r.report.metrics[key]);
    return { key, label, values, cells: values.map((v) => v === undefined ? '-'
      : digits < 0 ? String(+v.toFixed(-digits)) : v.toFixed(digits)) };
  });
}

/**
 * Tables of scenario runs in the protocol READMEs, generated from real runs: a marker names the
 * scenario files and the metrics, and the table between the marker and its end comment is what
 * running those files gives today.
 *
 *     <!-- scenario-table: files=scenarios/balancer/crash-*.yaml metrics=requests-to-dead,eject-ms -->
 *     | scenario | outcome | requests-to-dead | eject-ms |
 *     |---|---|---|---|
 *     | crash-least-connections | passed | 2 | 271.3 |
 *     <!-- /scenario-table -->
 *
 * `files` is a folder and a file name pattern with `*` (sorted by name), or a comma list of
 * files; `metrics` is a comma list (a metric a run did not report shows as `-`). `npm run
 * readme` rewrites the tables; test/readme.test.ts fails when one would change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadScenario, runSpec } from '../runner/index.js';

const BLOCK = /<!-- scenario-table:([^>]*)-->\n[\s\S]*?<!-- \/scenario-table -->/g;

/** The runs' figures the table shows: outcome and metrics, by scenario file. */
export type TableRun = (file: string) => { outcome: string; metrics: Readonly<Record<string, number>> };

/** Runs a scenario file in this process. */
export function runScenarioFile(file: string): ReturnType<TableRun> {
  const { spec } = loadScenario(readFileSync(file, 'utf8'), file);
  const report = runSpec(spec, { trace: 'off' });
  return { outcome: report.passed ? 'passed' : 'failed', metrics: report.metrics };
}

function options(text: string): { files: string[]; metrics: string[] } {
  const out = { files: [] as string[], metrics: [] as string[] };
  for (const word of text.trim().split(/\s+/).filter((w) => w !== '')) {
    const [key, value = ''] = word.split('=');
    if (key === 'files') out.files = value.split(',');
    else if (key === 'metrics') out.metrics = value.split(',');
    else throw new Error(`scenario-table: unknown option ${word}`);
  }
  if (out.files.length === 0 || out.metrics.length === 0) {
    throw new Error('scenario-table: needs files=… and metrics=…');
  }
  return out;
}

/** The files a pattern names, relative to `root`, sorted. */
export function expandFiles(patterns: readonly string[], root: string): string[] {
  return patterns.flatMap((pattern) => {
    if (!pattern.includes('*')) return [pattern];
    const dir = dirname(pattern);
    const regex = new RegExp(`^${basename(pattern).split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return readdirSync(join(root, dir)).filter((name) => regex.test(name)).sort()
      .map((name) => `${dir}/${name}`);
  });
}

function format(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '-' : String(value);
}

/** `text` with every scenario table regenerated. */
export function updateTables(text: string, root: string, run: TableRun = (file) =>
  runScenarioFile(join(root, file))): string {
  return text.replace(BLOCK, (_block, spec: string) => {
    const { files, metrics } = options(spec);
    const rows = expandFiles(files, root).map((file) => {
      const { outcome, metrics: m } = run(file);
      return `| [${basename(file, '.yaml')}](../../${file}) | ${outcome} | ${
        metrics.map((name) => format(m[name])).join(' | ')} |`;
    });
    return [`<!-- scenario-table:${spec}-->`,
      `| scenario | outcome | ${metrics.join(' | ')} |`,
      `|---|---|${metrics.map(() => '---').join('|')}|`,
      ...rows, '<!-- /scenario-table -->'].join('\n');
  });
}

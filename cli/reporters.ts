/**
 * CI-native output for `faultline run` and `faultline fuzz`, chosen with `--reporter`
 * (repeatable):
 * - `junit=FILE`: JUnit XML, which GitHub Actions, GitLab (`artifacts:reports:junit`),
 *   Jenkins and Buildkite show as test results. One test case per scenario run, or per fuzz
 *   campaign; a failure carries the violated property as its type, the explanation, and the
 *   command that reruns it. Written whole or not at all.
 * - `github`: GitHub Actions workflow commands, `::error file=F,line=L,title=T::message`,
 *   one per failure, pointing at the scenario or the counterexample file, so the failure shows
 *   on the file in a pull request. Printed on stdout (on stderr with `--json`, whose stdout is
 *   one JSON document); the runner reads workflow commands from both.
 */
import { InvalidArgumentError } from 'commander';
import type { Failure } from './fuzzSummary.js';
import { err, out } from './io.js';
import { writeWhole } from './paths.js';
import type { RunJson } from './report.js';

/** One reporter, as `--reporter` names it. */
export type ReporterSpec = { readonly kind: 'junit'; readonly file: string } |
  { readonly kind: 'github' };

/** A failure as the reporters show it. */
export interface ReportedFailure {
  /** The property violated, or `failure` for an unmet expectation. */
  readonly property: string;
  /** One line: what went wrong. */
  readonly message: string;
  /** The whole explanation. */
  readonly explanation: string;
  /** The command that reproduces it. */
  readonly rerun: string;
  /** The file to point at: the scenario, or the counterexample. */
  readonly file: string;
  readonly line?: number;
}

/** One test case: a scenario run, or a fuzz campaign. */
export interface ReportedCase {
  readonly name: string;
  /** The group it belongs to: the protocol. */
  readonly classname: string;
  readonly seconds: number;
  readonly failures: readonly ReportedFailure[];
}

/** A suite of cases: one command's results. */
export interface ReportedSuite {
  readonly name: string;
  readonly cases: readonly ReportedCase[];
}

/** Parses one `--reporter` value; commander calls it, so bad input exits 2 before a run. */
export function parseReporter(value: string, previous: ReporterSpec[] = []): ReporterSpec[] {
  if (value === 'github') return [...previous, { kind: 'github' }];
  const junit = /^junit=(.+)$/.exec(value);
  if (junit !== null) return [...previous, { kind: 'junit', file: junit[1] as string }];
  throw new InvalidArgumentError(`expected junit=FILE or github, got ${JSON.stringify(value)}`);
}

/** Writes the suite with every reporter asked for (none: nothing). */
export function emitReports(options: { readonly reporter?: readonly ReporterSpec[];
  readonly json?: boolean }, suite: ReportedSuite): void {
  for (const spec of options.reporter ?? []) {
    if (spec.kind === 'junit') {
      writeWhole(spec.file, junitXml(suite), `--reporter junit=${spec.file}`);
    }
    else {
      const text = githubAnnotations(suite);
      if (text !== '') (options.json === true ? err : out)(text);
    }
  }
}

/** The suite as JUnit XML. */
export function junitXml(suite: ReportedSuite): string {
  const failed = suite.cases.filter((c) => c.failures.length > 0).length;
  const seconds = suite.cases.reduce((sum, c) => sum + c.seconds, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${suite.cases.length}" failures="${failed}" ` +
      `time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(suite.name)}" tests="${suite.cases.length}" ` +
      `failures="${failed}" errors="0" skipped="0" time="${seconds.toFixed(3)}">`,
  ];
  for (const c of suite.cases) {
    const file = c.failures[0]?.file;
    const head = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" ` +
      `time="${c.seconds.toFixed(3)}"${file === undefined ? '' : ` file="${xml(file)}"`}`;
    if (c.failures.length === 0) {
      lines.push(`${head}/>`);
      continue;
    }
    lines.push(`${head}>`);
    const first = c.failures[0] as ReportedFailure;
    const body = c.failures.map((f) =>
      `${f.property}: ${f.explanation}\nfile: ${f.file}\nrerun: ${f.rerun}`).join('\n\n');
    lines.push(`      <failure type="${xml(first.property)}" message="${xml(first.message)}">` +
      `${xml(body)}</failure>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** One `::error` workflow command per failure. */
export function githubAnnotations(suite: ReportedSuite): string {
  return suite.cases.flatMap((c) => c.failures.map((f) => {
    const props = `file=${property(f.file)},line=${f.line ?? 1},title=${
      property(`${c.name}: ${f.property}`)}`;
    return `::error ${props}::${data(`${f.message}\nrerun: ${f.rerun}`)}`;
  })).join('\n');
}

/** Escapes a workflow command's message (actions/toolkit `escapeData`). */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property (actions/toolkit `escapeProperty`). */
function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function xml(text: string): string {
  // Characters XML 1.0 cannot hold at all are dropped; the rest are escaped.
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The line of a scenario that a failure points at: the property's, else `expect:`, else 1. */
function lineOf(text: string | undefined, property: string | undefined): number {
  const lines = text?.split('\n') ?? [];
  const find = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l)) + 1;
  const escaped = property?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (escaped === undefined ? 0 : find(new RegExp(`\\b${escaped}\\b`))) ||
    find(/^expect:/) || 1;
}

/** One scenario run as a test case; `text` is the scenario file's text, to find a line. */
export function runCase(run: RunJson, seconds: number, text?: string): ReportedCase {
  const file = run.file ?? run.scenario;
  const violation = run.violations[0];
  const failures: ReportedFailure[] = run.outcome === 'passed' ? [] : [{
    property: violation?.name ?? 'expectation',
    message: (run.failures[0] ?? violation?.explanation ?? 'failed').split('\n')[0] ?? '',
    explanation: [...run.failures, ...(violation === undefined ? []
      : [`${violation.name} at ${violation.time} µs, event ${violation.index}: ${
        violation.explanation}`])].join('\n'),
    rerun: `faultline run ${file} --seed ${run.seed}`,
    file, line: lineOf(text, violation?.name),
  }];
  return { name: run.scenario, classname: `faultline.run.${run.protocol}`, seconds, failures };
}

/** A fuzz campaign as one test case, each counterexample a failure pointing at its file. */
export function fuzzSuite(campaign: { target: string; protocol: string; seed: number;
  shard: string; seconds: number; failures: readonly Failure[] }): ReportedSuite {
  const failures = campaign.failures.map((f): ReportedFailure => ({
    property: f.violated,
    message: `run ${f.index} (run seed ${f.runSeed}): ${f.reason.split('\n')[0] ?? ''}`,
    explanation: `${f.reason}\nshrunk ${f.shrinks} times${
      f.history === undefined ? '' : `; history: ${f.history}`}`,
    rerun: `faultline run ${f.file}`,
    file: f.file, line: 1,
  }));
  const name = `fuzz ${campaign.target} (campaign seed ${campaign.seed}, shard ${
    campaign.shard})`;
  return { name: `faultline fuzz ${campaign.target}`, cases: [{ name,
    classname: `faultline.fuzz.${campaign.protocol}`, seconds: campaign.seconds, failures }] };
}

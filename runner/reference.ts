/**
 * The scenario-file reference, generated from the JSON Schema of the zod schema (schema.ts),
 * so the documentation cannot drift from what the loader accepts: one table row per field,
 * with its type, whether it is required, its default and its description. `npm run docs`
 * writes it to docs/scenario-reference.md; a test fails when the file is stale.
 */
import { z } from 'zod';
import { compareSchema } from './compare/comparison.js';
import { strictScenarioJsonSchema } from './jsonSchema.js';
import { DEFAULT_LIMITS, formatBytes } from './limits.js';
import { scenarioJsonSchema } from './schema.js';

type Json = Record<string, unknown>;

const props = (s: Json): [string, Json][] =>
  Object.entries((s.properties ?? {}) as Record<string, Json>);

/** A field's type in words. */
function typeOf(s: Json): string {
  if (typeof s.title === 'string') return s.title;
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (Array.isArray(s.enum)) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const alternatives = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alternatives !== undefined) {
    const isLatency = (a: Json): boolean =>
      a.type === 'object' && (a.properties as Json | undefined)?.dist !== undefined;
    if (alternatives.every(isLatency)) return 'latency';
    return alternatives.map(typeOf).join(' or ');
  }
  if (s.type === 'array') return `list of ${typeOf((s.items ?? {}) as Json)}`;
  if (s.type === 'object') {
    if (s.properties === undefined) {
      const values = s.additionalProperties as Json | undefined;
      return values === undefined || Object.keys(values).length === 0 ? 'mapping'
        : `mapping to ${typeOf(values)}`;
    }
    return 'mapping';
  }
  if (Array.isArray(s.type)) return s.type.join(' or ');
  const pattern = typeof s.pattern === 'string' ? s.pattern : '';
  if (s.type === 'string' && pattern.includes('[nc]')) return 'node id';
  return typeof s.type === 'string' ? s.type : 'any';
}

function rows(s: Json, prefix: string, out: string[][]): void {
  const required = new Set((s.required ?? []) as string[]);
  for (const [name, field] of props(s)) {
    const path = `${prefix}${name}`;
    const def = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    out.push([`\`${path}\``, typeOf(field), required.has(name) ? 'yes' : '', def,
      String(field.description ?? '')]);
    if (field.type === 'object' && field.properties !== undefined) rows(field, `${path}.`, out);
    const items = field.items as Json | undefined;
    if (field.type === 'array' && items?.type === 'object') rows(items, `${path}[].`, out);
    const values = field.additionalProperties as Json | undefined;
    if (field.type === 'object' && values?.type === 'object' && values.properties !== undefined) {
      rows(values, `${path}.<name>.`, out);
    }
    // A field written as a mapping or a list of them (`failures`): the mapping's fields.
    const form = ((field.anyOf ?? []) as Json[]).find((a) => a.type === 'object' &&
      a.properties !== undefined);
    if (form !== undefined) rows(form, `${path}.`, out);
  }
}

/** Rows of the `compare:` block of a comparison file. */
function compareRows(): string[][] {
  const { $schema: _schema, ...block } = z.toJSONSchema(compareSchema,
    { io: 'input', unrepresentable: 'any' }) as Json;
  const out: string[][] = [];
  rows({ properties: { compare: { ...block, type: 'object' } } }, '', out);
  return out;
}

function latencyForms(schema: Json): string[] {
  const network = props(schema).find(([n]) => n === 'network')?.[1] ?? {};
  const latency = props(network).find(([n]) => n === 'latency')?.[1] ?? {};
  return ((latency.oneOf ?? []) as Json[]).map((form) => {
    const fields = props(form).filter(([n]) => n !== 'dist').map(([n]) => n);
    const dist = (props(form).find(([n]) => n === 'dist')?.[1] ?? {}).const;
    return `- \`{ dist: ${String(dist)}, ${fields.join(', ')} }\` (every field a duration)`;
  });
}

const { events, memoryBytes, timeMs } = DEFAULT_LIMITS;

/** What `limits` means, with its defaults. */
const LIMITS_TEXT = [
  '## Limits',
  '',
  'Every run ends, and ends cleanly: on reaching a limit it stops and fails (exit 1) with its',
  'seed, as `event-limit`, `memory-limit` or `time-limit`. The defaults fit a 2-core, 24 GiB',
  'machine running a couple of runs at once (two fuzz workers and the main thread):',
  '',
  `- \`events\`: ${events} engine events (a minute or two of wall time). A run it stops stops`,
  '  at the same event everywhere, so it replays exactly; fuzz runs are capped at 2000000 and a',
  '  counterexample that hit the cap carries it.',
  `- \`memory\`: ${formatBytes(memoryBytes)} of JavaScript heap and array buffers, measured`,
  '  every 4096 events after a full collection once the heap passes it, and never more than',
  "  three quarters of the heap V8 allows (V8's own out-of-memory ends a process uncaught).",
  '  It bounds the linearizability check after the run too: a check that reaches it ends',
  '  undetermined (out of memory), a failure.',
  `- \`time\`: ${timeMs / 60_000}m of wall-clock time for the simulation.`,
  '',
  'Memory and time depend on the machine, not on the run: a run they stop does not replay',
  'exactly, its linearizability check is skipped (and not reported as checked), and',
  '`faultline run --trace` removes its trace file rather than leave one that would not replay.',
  'Fuzz campaigns watch every run with the same memory and time limits.',
];

/** A table cell: pipes escaped once. */
const cell = (text: string): string => text.replace(/\\?\|/g, '\\|');

/** The reference page, as markdown. */
export function scenarioReference(): string {
  const schema = scenarioJsonSchema();
  const table: string[][] = [];
  rows(schema, '', table);
  const lines = [
    '# Scenario file reference',
    '',
    '<!-- Generated from the zod schema in runner/schema.ts by `npm run docs`. Do not edit. -->',
    '',
    'A **duration** is a string with a unit (`500us`, `150ms`, `1.5s`, `2m`) or an integer number',
    'of microseconds; a **signed duration** may be negative. A **rate** is `200/s` or a number',
    'per second. A **node id** is `n1`…`nN` (servers) or `c1`…`cK` (clients). A fault entry',
    'has `at` and exactly one fault field. See scenarios/FORMAT.md for an annotated example.',
    '',
    '| field | type | required | default | description |',
    '|---|---|---|---|---|',
    ...table.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    '## Comparisons',
    '',
    'A file with a `compare:` block runs one scenario against several designs',
    '(`faultline compare`, docs/compare.md). It has no `protocol` or `params`; its `expect`',
    'holds only `liveness`; where a fault names a node it may name a role, resolved in each',
    "design's run when the fault strikes: `leader`, `follower` (`follower2`, …: running",
    "servers that do not lead, in id order), `others` in a partition group (the servers the",
    'other groups leave), and `leader@8s` (who led at 8s).',
    '',
    '| field | type | required | default | description |',
    '|---|---|---|---|---|',
    ...compareRows().map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    'Latency distributions:',
    '',
    ...latencyForms(schema),
    '',
    ...LIMITS_TEXT,
    '',
    'Editors: the JSON Schema is `scenarios/schema.json`. With the YAML language server (VS Code',
    'and others), map it in settings, `"yaml.schemas": { "./scenarios/schema.json":',
    '"scenarios/**/*.yaml" }`, or start a file with',
    '`# yaml-language-server: $schema=../schema.json`.',
    '',
  ];
  return lines.join('\n');
}

/** The JSON Schema file's text: strict, discriminated by protocol (jsonSchema.ts). */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(strictScenarioJsonSchema(), null, 2)}\n`;
}

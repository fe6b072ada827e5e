/**
 * The strict JSON Schema of scenario files (scenarios/schema.json), so that an editor flags
 * what the CLI flags. zod exports the file's shape (schema.ts); what zod cannot say in JSON
 * Schema is added here:
 * - durations: zod checks them in a transform, so its export says only "string or number";
 *   here a duration is a string with a unit or whole µs, and `at: "-1s"` is refused (only
 *   clock offsets and jumps are signed);
 * - the seed: an integer (zod checks it in a refinement), or a string;
 * - the protocol: one of the registered protocols, and the schema is discriminated by it
 *   (`if protocol = raft then …`): that protocol's parameters (their names, types, ranges,
 *   and its bug switches), and in `expect` its properties (`hold`, `violate`) and its
 *   liveness checks.
 * - comparisons (a `compare:` block instead of `protocol`), with faults aimed at roles
 *   (compare/jsonSchema.ts).
 * Node ids beyond `nodes` and faults after `duration` depend on other fields' values, which
 * JSON Schema cannot compare; the loader checks those with their line and column.
 */
import { z } from 'zod';
import { type AnyProtocol, protocols } from '../protocols/index.js';
import { clusterIds } from './run.js';
import { scenarioSchema } from './schema.js';
import { withComparisons } from './compare/jsonSchema.js';

type Json = Record<string, unknown>;

const UNIT = String.raw`\d+(\.\d+)?\s*(us|µs|ms|s|m)`;
const DEFS: Json = {
  duration: {
    title: 'duration',
    description: 'A duration: a number with a unit (us, µs, ms, s, m), such as "150ms", or ' +
      'whole microseconds.',
    anyOf: [{ type: 'string', pattern: String.raw`^\s*${UNIT}\s*$` },
      { type: 'integer', minimum: 0 }],
  },
  signedDuration: {
    title: 'signed duration',
    description: 'A duration that may be negative, such as "-5ms".',
    anyOf: [{ type: 'string', pattern: String.raw`^\s*-?${UNIT}\s*$` }, { type: 'integer' }],
  },
  zeroDuration: {
    title: 'zero duration',
    anyOf: [{ type: 'string', pattern: String.raw`^\s*-?0+(\.0+)?\s*(us|µs|ms|s|m)\s*$` },
      { const: 0 }],
  },
};

/**
 * Replaces zod's loose duration nodes (titled by protocols/durations.ts: `duration`, `signed
 * duration`, or either with `, at least 1ms` for a timer) with the defs. A timer's lower bound
 * shows as a positive whole number of µs and a string that is not zero; the CLI also rejects
 * strings between zero and the bound, which a pattern cannot say simply.
 */
function strictDurations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictDurations);
  if (typeof node !== 'object' || node === null) return node;
  const n = node as Json;
  const title = typeof n.title === 'string' ? n.title : '';
  const m = /^(signed )?duration(?:, at least (.+))?$/.exec(title);
  if (m !== null) {
    const ref = m[1] === undefined ? '#/$defs/duration' : '#/$defs/signedDuration';
    const { title: _title, type: _type, anyOf: _anyOf, pattern: _pattern, ...rest } = n;
    if (m[2] === undefined) return { ...rest, $ref: ref };
    return { ...rest, allOf: [{ $ref: ref }, { not: { $ref: '#/$defs/zeroDuration' } }],
      description: `${String(rest.description ?? 'A duration')}, at least ${m[2]}.` };
  }
  return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, strictDurations(v)]));
}

/** What a protocol lets `expect` name: properties, and liveness checks. */
function namesOf(protocol: AnyProtocol): { properties: string[]; liveness: string[] } {
  const { servers, clients } = clusterIds({ nodes: 3, workload: undefined });
  const instance = protocol.setup({ servers, clients, params: protocol.params.parse({}),
    workload: undefined, clientsStopAt: undefined });
  const properties = new Set([...protocol.propertyNames, ...instance.properties.map((p) => p.name),
    ...(instance.model === undefined ? [] : ['linearizable'])]);
  return { properties: [...properties].sort(), liveness: instance.liveness.map((c) => c.name) };
}

/** A protocol's parameters, strict. */
function paramsSchema(protocol: AnyProtocol): Json {
  const { $schema: _schema, ...params } = z.toJSONSchema(protocol.params,
    { io: 'input', unrepresentable: 'any' }) as Json;
  return { ...(strictDurations(params) as Json), description: `Parameters of ${protocol.name}.` };
}

/** The part of the schema that holds when `protocol` is this one. */
function protocolBranch(protocol: AnyProtocol): Json {
  const { properties, liveness } = namesOf(protocol);
  const property = { type: 'string', enum: properties };
  return {
    if: { properties: { protocol: { const: protocol.name } }, required: ['protocol'] },
    then: {
      properties: {
        params: paramsSchema(protocol),
        expect: { properties: {
          hold: { items: property },
          violate: property,
          liveness: { properties: { checks: liveness.length === 0 ? { maxItems: 0 }
            : { items: { type: 'string', enum: liveness } } } },
        } },
      },
    },
  };
}

/** The JSON Schema of scenario files for the protocols in `registry`. */
export function strictScenarioJsonSchema(
  registry: Readonly<Record<string, AnyProtocol>> = protocols,
): Json {
  const base = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const shape = strictDurations(base) as Json;
  const properties = shape.properties as Json;
  const names = Object.keys(registry).sort();
  return withComparisons({
    ...shape,
    $id: 'https://faultline.dev/scenario.schema.json',
    title: 'Faultline scenario (format version 1)',
    description: 'A Faultline scenario file; see scenarios/FORMAT.md. Generated by npm run ' +
      'docs from the zod schema and the protocols.',
    properties: { ...properties,
      protocol: { ...(properties.protocol as Json), enum: names },
      // zod checks the seed's integrality in a refinement, which its export leaves out.
      seed: { ...(properties.seed as Json), anyOf: [{ type: 'string', minLength: 1 },
        { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }] },
    },
    allOf: names.map((name) => protocolBranch(registry[name] as AnyProtocol)),
    $defs: { ...((shape.$defs as Json | undefined) ?? {}), ...DEFS },
  }, names, (name) => paramsSchema(registry[name] as AnyProtocol));
}

/**
 * Comparisons in the scenario files' JSON Schema (scenarios/schema.json), so that an editor
 * checks a `compare:` file as the CLI does. A file with `compare` has no `protocol` or
 * `params`, its `expect` holds only `liveness`, its faults may name roles where a node id
 * stands (`leader`, `follower2`, `others`, `leader@8s`), and each design's parameters are
 * checked against its protocol's schema; a file without `compare` is a scenario as before.
 */
import { z } from 'zod';
import { compareSchema } from './comparison.js';

type Json = Record<string, unknown>;

const NODE_ID = String.raw`^[nc][1-9]\d*$`;
/** A node id, or a role (roles.ts). */
const NODE_OR_ROLE = String.raw`^([nc][1-9]\d*|(leader|follower\d*)(@\s*\d+(\.\d+)?\s*(us|µs|ms|s|m))?|others)$`;

/** The schema with every node-id pattern widened to roles. */
function withRoles(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withRoles);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) =>
    [k, k === 'pattern' && v === NODE_ID ? NODE_OR_ROLE : withRoles(v)]));
}

/** Fault entries that may wait for a protocol phase (`when: blocked`). */
function withWhen(faults: Json): Json {
  const items = faults.items as Json;
  return { ...faults, items: { ...items, properties: { ...(items.properties as Json),
    when: { description: 'In a comparison: strike at the first instant from `at` on at which ' +
      'the protocol is in this phase (such as blocked), or in every phase of a list.',
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
  } } };
}

/**
 * `scenario` (the strict scenario schema) extended to comparison files. `paramsOf` gives a
 * protocol's parameter schema, as the scenario schema's branches use it.
 */
export function withComparisons(scenario: Json, names: readonly string[],
  paramsOf: (protocol: string) => Json): Json {
  const properties = scenario.properties as Json;
  const { $schema: _schema, ...block } = z.toJSONSchema(compareSchema,
    { io: 'input', unrepresentable: 'any' }) as Json;
  const targets = (block.properties as Json).targets as Json;
  const design = targets.additionalProperties as Json;
  const designSchema = { ...design,
    properties: { ...(design.properties as Json),
      protocol: { ...((design.properties as Json).protocol as Json), enum: names } },
    allOf: names.map((name) => ({
      if: { properties: { protocol: { const: name } }, required: ['protocol'] },
      then: { properties: { params: paramsOf(name) } } })) };
  const compare = { ...block, properties: { ...(block.properties as Json),
    targets: { ...targets, minProperties: 2, additionalProperties: designSchema } } };
  return {
    ...scenario,
    properties: { ...properties, compare, faults: withWhen(withRoles(properties.faults) as Json) },
    required: (scenario.required as string[]).filter((r) => r !== 'protocol'),
    allOf: [...(scenario.allOf as Json[]), {
      if: { required: ['compare'] },
      then: { properties: { protocol: false, params: false,
        expect: { properties: { hold: false, violate: false, metrics: false } } } },
      else: { required: ['protocol'], properties: { faults: properties.faults } },
    }],
  };
}

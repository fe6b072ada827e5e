/**
 * `faultline list`: the protocols (their parameters with defaults, bug switches and the
 * properties they check) and the scenario files of the repository.
 */
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { loadScenario, ScenarioError } from '../../runner/index.js';
import { out, outJson } from '../io.js';
import type { Registry } from '../registry.js';
import { findScenarios } from '../paths.js';

interface ParamInfo { name: string; type: string; default?: unknown; description?: string }

function paramsOf(schema: z.ZodType): ParamInfo[] {
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as
      Record<string, unknown>;
  } catch {
    return [];
  }
  const props = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).map(([name, p]) => ({
    name,
    type: typeOf(p),
    ...(p.default === undefined ? {} : { default: p.default }),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
}

/**
 * A parameter's type as a person reads it: its title (`duration`), else its JSON type, with
 * the values it allows (`one of a, b`) and its bounds (`integer, at least 1`).
 */
function typeOf(p: Record<string, unknown>): string {
  if (typeof p.title === 'string') return p.title;
  if (Array.isArray(p.enum)) return `one of ${p.enum.map(String).join(', ')}`;
  const base = typeof p.type === 'string' ? p.type : Array.isArray(p.type) ? p.type.join(' or ')
    : p.anyOf !== undefined ? 'one of several' : 'any';
  const bounds = [
    typeof p.minimum === 'number' ? `at least ${p.minimum}` : undefined,
    typeof p.exclusiveMinimum === 'number' ? `above ${p.exclusiveMinimum}` : undefined,
    typeof p.maximum === 'number' && p.maximum < Number.MAX_SAFE_INTEGER
      ? `at most ${p.maximum}` : undefined,
    typeof p.exclusiveMaximum === 'number' ? `below ${p.exclusiveMaximum}` : undefined,
  ].filter((b) => b !== undefined);
  const items = p.items as Record<string, unknown> | undefined;
  const of = base === 'array' && items !== undefined && Array.isArray(items.enum)
    ? ` of ${items.enum.map(String).join(', ')}` : '';
  return [base + of, ...bounds].join(', ');
}

/** Lists protocols and scenarios; returns the exit code. */
export function listCommand(options: { json?: boolean }, registry: Registry): number {
  const sorted = Object.values(registry).sort((a, b) => a.name.localeCompare(b.name));
  const protocols = sorted.map((p) => ({
    name: p.name, description: p.description, params: paramsOf(p.params as z.ZodType),
    bugs: p.bugs.map((b) => ({ ...b })), properties: [...p.propertyNames],
  }));
  const scenarios = findScenarios().map((file) => {
    try {
      const loaded = loadScenario(readFileSync(file, 'utf8'), file, registry);
      return { file, name: loaded.spec.name, protocol: loaded.spec.protocol,
        description: loaded.description, valid: true };
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return { file, valid: false, problem: error.problems[0]?.message ?? error.message };
    }
  });
  if (options.json === true) {
    outJson({ protocols, scenarios });
    return 0;
  }
  const lines: string[] = [];
  lines.push(protocols.length === 0 ? 'No protocols are registered yet.' : 'Protocols:');
  for (const p of protocols) {
    lines.push(`  ${p.name} - ${p.description}`);
    for (const param of p.params) {
      lines.push(`    param ${param.name} (${param.type}${param.default === undefined ? ''
        : `, default ${JSON.stringify(param.default)}`})${param.description === undefined ? ''
        : `: ${param.description}`}`);
    }
    for (const bug of p.bugs) {
      lines.push(`    bug ${bug.name}: ${bug.description} [caught by ${bug.caughtBy}]`);
    }
    lines.push(`    properties: ${p.properties.join(', ')}`);
  }
  lines.push('', scenarios.length === 0 ? 'No scenario files found.' : 'Scenarios:');
  for (const s of scenarios) {
    const about = s.description ? ` - ${s.description}` : '';
    lines.push(s.valid ? `  ${s.file}  ${s.name} (${s.protocol})${about}`
      : `  ${s.file}  (cannot load: ${s.problem})`);
  }
  out(lines.join('\n'));
  return 0;
}

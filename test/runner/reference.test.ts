/**
 * The generated scenario documentation is current: scenarios/schema.json and
 * docs/scenario-reference.md equal what the schema generates now (run `npm run docs`), and
 * the JSON Schema accepts what the loader accepts on a sample file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioReference, scenarioSchemaText } from '../../runner/reference.js';

describe('generated scenario docs', () => {
  it('scenarios/schema.json is up to date (npm run docs)', () => {
    expect(readFileSync('scenarios/schema.json', 'utf8')).toBe(scenarioSchemaText());
  });

  it('docs/scenario-reference.md is up to date (npm run docs)', () => {
    expect(readFileSync('docs/scenario-reference.md', 'utf8')).toBe(scenarioReference());
  });

  it('documents every top-level field and the fault kinds', () => {
    const page = scenarioReference();
    const fields = ['name', 'protocol', 'params', 'nodes', 'network', 'clocks', 'disk', 'workload',
      'faults', 'duration', 'seed', 'ties', 'expect', 'faults[].partition',
      'expect.liveness.settle', 'limits.events', 'limits.memory', 'limits.time'];
    for (const field of fields) {
      expect(page).toContain(`| \`${field}\` |`);
    }
    expect(page).toContain('## Limits');
    expect(page).toMatch(/`memory`: 2GiB of JavaScript heap/);
  });
});

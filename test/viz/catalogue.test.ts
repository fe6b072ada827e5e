/**
 * The scenario chooser's catalogue reads three fields of each bundled scenario without a YAML
 * parser (parsing a hundred files held the page at start): the protocol, the description and
 * the lesson must be what the YAML says, for every bundled file.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { catalogue, COMPARE_GROUP, defaultKey, findEntry } from '../../viz/src/run/catalogue.js';

describe('viz catalogue', () => {
  it('holds every bundled scenario, and no fixture', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(96);
    expect(catalogue.some((e) => e.key.startsWith('fixture'))).toBe(false);
    expect(defaultKey()).toBe('raft/leader-failure');
    expect(findEntry('raft/leader-failure')?.lesson).toBe('under faults');
    // Comparisons come last, in their own group, after every protocol's scenarios.
    const first = catalogue.findIndex((e) => e.comparison);
    expect(first).toBeGreaterThan(0);
    expect(catalogue.slice(first).every((e) => e.comparison)).toBe(true);
    expect(catalogue.some((e) => e.group.startsWith('Load balancer'))).toBe(true);
  });

  it.each(catalogue.map((e) => [e.key, e] as const))('%s: fields as the YAML says', (key, e) => {
    const doc = parse(readFileSync(`scenarios/${key}.yaml`, 'utf8')) as { protocol: string;
      description?: string; faults?: unknown[]; expect?: { violate?: string };
      compare?: unknown };
    expect(e.description).toBe(doc.description ?? '');
    expect(e.comparison).toBe(doc.compare !== undefined);
    if (e.comparison) {
      expect(e.group).toBe(COMPARE_GROUP);
      return;
    }
    expect(e.protocol).toBe(doc.protocol);
    const lesson = doc.expect?.violate !== undefined ? 'bugs it catches'
      : (doc.faults ?? []).length > 0 ? 'under faults' : 'how it works';
    expect(e.lesson).toBe(lesson);
  });
});

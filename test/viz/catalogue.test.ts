/**
 * The scenario chooser's catalogue reads three fields of each bundled scenario without a YAML
 * parser (parsing a hundred files held the page at start): the protocol, the description and
 * the lesson must be what the YAML says, for every bundled file.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { catalogue, defaultKey, findEntry } from '../../viz/src/run/catalogue.js';

describe('viz catalogue', () => {
  it('holds every bundled scenario, and no fixture', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(96);
    expect(catalogue.some((e) => e.key.startsWith('fixture'))).toBe(false);
    expect(defaultKey()).toBe('raft/leader-failure');
    expect(findEntry('raft/leader-failure')?.lesson).toBe('under faults');
  });

  it.each(catalogue.map((e) => [e.key, e] as const))('%s: fields as the YAML says', (key, e) => {
    const doc = parse(readFileSync(`scenarios/${key}.yaml`, 'utf8')) as { protocol: string;
      description?: string; faults?: unknown[]; expect?: { violate?: string } };
    expect(e.protocol).toBe(doc.protocol);
    expect(e.description).toBe(doc.description ?? '');
    const lesson = doc.expect?.violate !== undefined ? 'bugs it catches'
      : (doc.faults ?? []).length > 0 ? 'under faults' : 'how it works';
    expect(e.lesson).toBe(lesson);
  });
});

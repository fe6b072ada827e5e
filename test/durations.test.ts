/**
 * Durations, one module (protocols/durations.ts): the exact form reads back to the same µs,
 * the shown form rounds as the CLI and the visualizer always did, bounds are named in their
 * messages, and every protocol timer refuses 0 at load time, naming the field and its bound.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { durationOrReason, formatDuration, MAX_DURATION, showDuration } from
  '../protocols/durations.js';
import { protocols } from '../protocols/index.js';
import { loadScenario, ScenarioError } from '../runner/index.js';

/** The visualizer's formatter before there was one module, as the reference. */
function shownBefore(us: number): string {
  const trim = (x: number): string => String(Number(x.toFixed(3)));
  const a = Math.abs(us);
  if (a >= 1e6) return `${trim(us / 1e6)}s`;
  if (a >= 1e3) return `${trim(us / 1e3)}ms`;
  return `${trim(us)}µs`;
}

describe('durations', () => {
  it('writes any duration exactly: it reads back to the same µs', () => {
    fc.assert(fc.property(fc.integer({ min: -MAX_DURATION, max: MAX_DURATION }), (us) => {
      expect(durationOrReason(formatDuration(us), { signed: true })).toBe(us);
    }), { numRuns: 2_000, seed: 1 });
    expect([1_500_000, 150_000, 800, -5_000, 60_000_000].map(formatDuration))
      .toEqual(['1.5s', '150ms', '800us', '-5ms', '60s']);
  });

  it('shows a duration as the CLI and the visualizer did', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -1e12, max: 1e12 }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true })), (us) => {
      expect(showDuration(us)).toBe(shownBefore(us));
    }), { numRuns: 2_000, seed: 2 });
    expect([1_234_567, 12_500, 800, -2_000].map(showDuration))
      .toEqual(['1.235s', '12.5ms', '800µs', '-2ms']);
  });

  it('names the bound a value breaks', () => {
    expect(durationOrReason('0s', { min: 1_000 })).toBe('at least 1ms, got "0s"');
    expect(durationOrReason('-1s')).toBe('a non-negative duration, got "-1s"');
    expect(durationOrReason('-1s', { signed: true })).toBe(-1_000_000);
    expect(durationOrReason(1.5)).toMatch(/a bare number is whole µs, got 1.5$/);
    expect(durationOrReason('366d')).toMatch(/^a duration such as/);
    expect(durationOrReason(`${366 * 24}h`)).toMatch(/^a duration such as/);
    expect(durationOrReason(`${366 * 24 * 60}m`)).toBe(`a duration of at most 365 days, got "${
      366 * 24 * 60}m"`);
  });
});

/** The timer fields of every protocol: its parameters whose schema title names the bound. */
function timerFields(params: z.ZodType): { field: string; range: boolean }[] {
  const schema = z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { title?: string; prefixItems?: { title?: string }[] }> };
  return Object.entries(schema.properties ?? {}).flatMap(([field, s]) =>
    /at least 1ms/.test(s.title ?? '') ? [{ field, range: s.prefixItems !== undefined }] : []);
}

const TIMERS: Readonly<Record<string, readonly string[]>> = {
  balancer: ['interval', 'checkTimeout', 'baseEjection', 'maxEjection', 'requestTimeout', 'lease',
    'heartbeat'],
  heartbeat: ['period', 'checkInterval', 'detectionBound'],
  lock: ['ttl', 'rest', 'timeout', 'sessionTimeout', 'electionTimeout', 'heartbeat'],
  paxos: ['leaderTimeout', 'heartbeat'],
  'paxos-single': ['backoff'],
  raft: ['electionTimeout', 'heartbeat'],
  replication: ['period', 'checkInterval', 'electionTimeout'],
  twopc: ['voteTimeout', 'decisionTimeout', 'resendInterval'],
};

describe('protocol timers', () => {
  it.each(Object.keys(protocols))('%s: every timer is at least 1ms, and 0 is rejected by name',
    (name) => {
      const protocol = protocols[name];
      if (protocol === undefined) throw new Error(name);
      const fields = timerFields(protocol.params);
      expect(fields.map((f) => f.field).sort()).toEqual([...(TIMERS[name] ?? [])].sort());
      for (const { field, range } of fields) {
        const text = `name: zero\nprotocol: ${name}\nnodes: 3\n` +
          `params: { ${field}: ${range ? '[0s, 0s]' : '0s'} }\nduration: 1s\nseed: 1\n`;
        let error: unknown;
        try {
          loadScenario(text, 'zero.yaml');
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ScenarioError);
        expect((error as ScenarioError).problems[0]).toMatchObject({ line: 4,
          path: range ? `params.${field}[0]` : `params.${field}`,
          message: 'at least 1ms, got "0s"' });
      }
    });
});

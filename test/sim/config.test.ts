/**
 * Bad configuration is rejected up front, with the field named and what was expected; nothing
 * runs.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, Engine, type EngineConfig } from '../../sim/index.js';
import { PingEcho, type PingMessage } from '../support/pingEcho.js';

const base: EngineConfig<PingMessage> = {
  seed: 1,
  servers: ['n1', 'n2', 'n3'],
  program: (id) => new PingEcho(id),
};

function rejection(patch: Partial<EngineConfig<PingMessage>>): ConfigError {
  try {
    new Engine({ ...base, ...patch });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('engine configuration', () => {
  it('rejects a negative latency', () => {
    const e = rejection({ network: { latency: { dist: 'constant', value: -5 } } });
    expect(e.path).toBe('network.latency.value');
    expect(e.message).toMatch(/non-negative integer/);
  });

  it('rejects a loss above 1', () => {
    expect(rejection({ network: { loss: 1.5 } }).message).toBe(
      'network.loss: a probability between 0 and 1, got 1.5');
  });

  it('rejects an unknown node in a fault', () => {
    const e = rejection({ faults: [{ at: 0, fault: { kind: 'crash', node: 'n9' } }] });
    expect(e.path).toBe('faults[0].node');
    expect(e.message).toMatch(/a node of this cluster \(n1, n2, n3.*got "n9"/);
  });

  it('rejects a node in two partition groups and a negative fault time', () => {
    expect(rejection({ faults: [{ at: 0, fault: { kind: 'partition',
      groups: [['n1', 'n2'], ['n2', 'n3']] } }] }).path).toBe('faults[0].groups[1][0]');
    expect(rejection({ faults: [{ at: -1, fault: { kind: 'heal' } }] }).path).toBe('faults[0].at');
  });

  it('rejects duplicate node ids, an inverted uniform range and an unknown distribution', () => {
    expect(rejection({ servers: ['n1', 'n1'] }).message).toMatch(/listed twice/);
    expect(rejection({ network: { latency: { dist: 'uniform', min: 9, max: 2 } } }).path)
      .toBe('network.latency.min');
    expect(rejection({ network: { latency: { dist: 'pareto' } as never } }).path)
      .toBe('network.latency.dist');
  });

  it('rejects a fault injected in the past while running', () => {
    const engine = new Engine(base);
    engine.run(10_000);
    expect(() => engine.schedule(5, { kind: 'heal' })).toThrow(ConfigError);
  });
});

/**
 * Shared fixtures of the twopc tests: a registry holding the protocol and a RunSpec builder
 * with a small bank, three clients and a lognormal network.
 */
import type { RunSpec } from '../../runner/index.js';
import { twoPc } from '../../protocols/twopc/definition.js';

/** A registry with twopc only, so the tests do not depend on the shared one. */
export const registry = { twopc: twoPc };

/** A twopc run: n1 coordinator, n2..n4 participants, three clients, two seconds. */
export function twoPcSpec(
  patch: Partial<RunSpec> = {}, params: Record<string, unknown> = {},
): RunSpec {
  return {
    name: 'twopc-test', protocol: 'twopc', nodes: 4, seed: 1, duration: 2_000_000, faults: [],
    network: { latency: { dist: 'lognormal', median: 1_000, p99: 5_000, max: 20_000 } },
    workload: { clients: 3, rate: 100, keys: 8, mix: { transfer: 9, 'read-all': 1 },
      timeout: 500_000, attempts: 3 },
    ...patch,
    params: { ...params, ...(patch.params as Record<string, unknown> | undefined) },
  };
}

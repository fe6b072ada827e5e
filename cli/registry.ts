/**
 * The protocols the CLI knows: the registry in protocols/index.ts, loaded on first use so that
 * `faultline --help` does not load every protocol. The CLI takes the registry as a parameter
 * (see program.ts), so tests build a CLI with a toy protocol added in the same bundle
 * (test/cli/toyCli.ts). A registry from a separately bundled module would not do: it would
 * carry its own copies of the engine's modules.
 */
import type { AnyProtocol } from '../protocols/index.js';

/** Protocols by name. */
export type Registry = Readonly<Record<string, AnyProtocol>>;

/**
 * The registry with no prototype: every lookup in a command (`registry[name]`) then finds only
 * a protocol, never `toString` or `__proto__` from Object.prototype.
 */
export function ownProtocols(registry: Registry): Registry {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, AnyProtocol>,
    registry));
}

/** The registry of this build. */
export async function loadRegistry(): Promise<Registry> {
  return (await import('../protocols/index.js')).protocols;
}

/**
 * Assertions that are never compiled out. A failed assertion means Faultline's own code (or a
 * protocol's) is wrong, not that the user did something wrong: the engine catches it at its
 * boundary, records the seed and keeps the trace so far. Bad user input is a `ConfigError`.
 */

/** Thrown by `assert`: a bug in the engine or a protocol. */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/**
 * Throws `AssertionError(message)` unless `condition` holds. One condition per call. On hot
 * paths pass the message as a function, so it is only built when the assertion fails.
 */
export function assert(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new AssertionError(typeof message === 'string' ? message : message());
}

/** Exhaustiveness check for switches over discriminated unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/**
 * Bad user input (a scenario, a configuration, a fault): says which field is wrong and what
 * was expected. `path` is a dotted field path such as `network.latency.min`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path}: ${expected}`);
  }
}

/**
 * Which properties a run checks, and why each of the others is not checked. A run never passes
 * on a property it did not check: a scenario that names one the run cannot check is rejected
 * (a `ConfigError` at `expect.hold[i]` or `expect.violate`, which the loader turns into
 * `file:line:column` and exit 2) with the reason, and the report lists what was checked and
 * what was not, with reasons.
 *
 * - `expect.violate: X` (a teaching scenario): only X, so that no other property stops the run
 *   before X fails. X must be checkable here.
 * - `expect.hold: [...]`: exactly those; each must be checkable here, and the list must not be
 *   empty (an empty list would check nothing and pass).
 * - neither: what the protocol guarantees under these parameters (`ProtocolInstance.promised`;
 *   by default every property it can check, and `linearizable` when it has a history model).
 *
 * A property is checkable when the protocol instance offers it (an always or sometimes
 * property, or `linearizable` with a model), or when it is a check of the run's liveness
 * phase. A property name the protocol knows but this run cannot check is explained by
 * `ProtocolInstance.notApplicable` (a model assumption the parameters do not declare, a bound
 * they do not give), or is a liveness check of a run without a liveness phase.
 */
import { ConfigError } from '../sim/index.js';
import type { AnyProtocol, ProtocolInstance } from '../protocols/index.js';
import type { RunSpec } from './spec.js';

/** The property name of the post-run linearizability check. */
export const LINEARIZABLE = 'linearizable';

/** A property the run does not check, and why. */
export interface NotChecked {
  readonly name: string;
  readonly reason: string;
}

/** What a run checks. */
export interface Selection {
  /** Properties checked (always and sometimes ones after every event; `linearizable` after). */
  readonly checked: readonly string[];
  /** Every other property of the protocol, with the reason it is not checked. */
  readonly notChecked: readonly NotChecked[];
}

/** The properties this instance can check under its parameters. */
export function checkable(instance: ProtocolInstance): string[] {
  return [...instance.properties.map((p) => p.name),
    ...(instance.model === undefined ? [] : [LINEARIZABLE])];
}

/**
 * Selects what a spec checks; throws a `ConfigError` naming the field when it cannot.
 * `liveness` names the checks of the run's liveness phase: one of them may be named too (a
 * teaching scenario can show a liveness failure), and is judged in that phase.
 */
export function selectChecked(spec: RunSpec, protocol: AnyProtocol,
  instance: ProtocolInstance, liveness: readonly string[] = []): Selection {
  const can = checkable(instance);
  // A check of the run's liveness phase is known too: a teaching scenario may show one fail.
  const known = new Set([...can, ...protocol.propertyNames, ...liveness]);
  const violate = spec.expect?.violate;
  const hold = spec.expect?.hold;
  if (violate === undefined && hold !== undefined && hold.length === 0) {
    throw new ConfigError('expect.hold', 'at least one property: an empty list checks ' +
      'nothing (leave hold out to check every property the protocol guarantees)');
  }
  const named = violate !== undefined ? [violate] : hold;
  const wanted = named ?? instance.promised?.filter((name) => can.includes(name)) ?? can;
  wanted.forEach((name, i) => {
    const field = violate !== undefined ? 'expect.violate' : `expect.hold[${i}]`;
    if (!known.has(name)) {
      throw new ConfigError(field, `a property of ${protocol.name} (${[...known].sort()
        .join(', ')}), got ${JSON.stringify(name)}`);
    }
    if (!can.includes(name) && !liveness.includes(name)) {
      throw new ConfigError(field,
        `${name} cannot be checked here: ${unavailable(name, instance)}`);
    }
  });
  const checked = [...new Set(wanted)].filter((name) => can.includes(name));
  const notChecked = [...known].filter((name) => !checked.includes(name) &&
    !liveness.includes(name)).sort()
    .map((name) => ({ name, reason: !can.includes(name) ? unavailable(name, instance)
      : violate !== undefined ? `a teaching scenario checks only the property it shows (${violate})`
        : hold !== undefined ? 'not named in expect.hold'
          : 'not guaranteed under these parameters (name it in expect.hold to check it)' }));
  return { checked, notChecked };
}

/** Why a property the protocol knows cannot be checked in this run. */
function unavailable(name: string, instance: ProtocolInstance): string {
  const reason = instance.notApplicable?.[name];
  if (reason !== undefined) return reason;
  if (instance.liveness.some((check) => check.name === name)) {
    return 'it is a liveness check, judged after the faults heal: give expect.liveness ' +
      '(and name it in expect.liveness.checks)';
  }
  if (name === LINEARIZABLE) return 'this protocol keeps no client history model';
  return 'it does not apply under these parameters';
}

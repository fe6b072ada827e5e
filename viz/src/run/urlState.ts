/**
 * The page's address carries what reproduces a run: the scenario key, the seed and the faults
 * added in the page, in the hash (`#scenario=raft/leader-failure&seed=42&faults=[...]`). A
 * shared link therefore opens the same run with the same trace hash. `open` names a file the
 * `faultline viz` server offers (a trace or scenario given on its command line).
 */
import type { Fault, ScheduledFault } from '../../../sim/index.js';

/** What the hash holds. */
export interface UrlState {
  readonly scenario?: string;
  readonly seed?: string;
  readonly faults: readonly ScheduledFault[];
  readonly open?: string;
}

/** Reads the hash; throws an Error with a readable message on a malformed `faults`. */
export function readHash(hash: string): UrlState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const faultsText = params.get('faults');
  let faults: ScheduledFault[] = [];
  if (faultsText !== null && faultsText !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(faultsText);
    } catch {
      throw new Error('the link\'s "faults" is not valid JSON');
    }
    faults = checkFaults(parsed);
  }
  const get = (k: string) => params.get(k) ?? undefined;
  const scenario = get('scenario');
  const seed = get('seed');
  const open = get('open');
  return { faults, ...(scenario === undefined ? {} : { scenario }),
    ...(seed === undefined ? {} : { seed }), ...(open === undefined ? {} : { open }) };
}

function checkFaults(value: unknown): ScheduledFault[] {
  if (!Array.isArray(value) || value.length > 1_000) {
    throw new Error('the link\'s "faults" must be a list of at most 1000 {at, fault}');
  }
  return value.map((entry: unknown, i) => {
    const e = entry as { at?: unknown; fault?: { kind?: unknown } } | null;
    if (typeof e?.at !== 'number' || !Number.isInteger(e.at) || e.at < 0 ||
      typeof e.fault?.kind !== 'string') {
      throw new Error(`the link's fault ${i + 1} is not {at: integer µs, fault: {kind, ...}}`);
    }
    return { at: e.at, fault: e.fault as Fault };
  });
}

/** Writes the hash for a state. */
export function writeHash(state: UrlState): string {
  const params = new URLSearchParams();
  if (state.open !== undefined) params.set('open', state.open);
  if (state.scenario !== undefined) params.set('scenario', state.scenario);
  if (state.seed !== undefined) params.set('seed', state.seed);
  if (state.faults.length > 0) params.set('faults', JSON.stringify(state.faults));
  return `#${params.toString()}`;
}

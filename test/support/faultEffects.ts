/**
 * Whether a scheduled fault did what it says, read from the trace of its run (the test of
 * every bundled scenario, test/scenarioFaults.test.ts, asks it of each declared fault).
 */
import type { ScheduledFault, TraceRecord } from '../../sim/index.js';

/** Why `scheduled` left no effect in the trace, or undefined when it shows. */
export function missingEffect(scheduled: ScheduledFault, records: readonly TraceRecord[]):
  string | undefined {
  const { at, fault } = scheduled;
  const now = records.filter((r) => r.t === at);
  const has = (kind: string, test: (r: TraceRecord) => boolean = () => true) =>
    now.some((r) => r.kind === kind && test(r));
  const ignored = (r: TraceRecord) => r.tag === 'ignored' &&
    JSON.stringify(r.data).includes(`"${fault.kind}"`);
  if (has('fault', ignored)) {
    return 'it came after the liveness phase began and was ignored';
  }
  switch (fault.kind) {
    case 'crash': {
      const crash = now.find((r) => r.kind === 'crash' && r.node === fault.node &&
        r.tag === 'fault');
      if (crash === undefined) return `${fault.node} was not up`;
      const torn = (crash.data as { torn?: boolean } | undefined)?.torn === true;
      return fault.tear === true && !torn ? 'no write was in progress to tear' : undefined;
    }
    case 'restart':
    case 'pause':
    case 'resume':
      return has(fault.kind, (r) => r.node === fault.node) ? undefined
        : `${fault.node} was not ${fault.kind === 'restart' ? 'down' : fault.kind === 'pause'
          ? 'running' : 'paused'}`;
    case 'drop':
      return records.some((r) => r.kind === 'drop' && r.id === fault.message && r.tag === 'fault')
        ? undefined : `message ${fault.message} was not in flight`;
    case 'disk':
      if (fault.fault === 'corrupt') {
        return has('corrupt', (r) => r.node === fault.node && r.tag !== 'nothing') ? undefined
          : `${fault.node} had no durable record to damage`;
      }
      return records.some((r) => r.kind === 'crash' && r.node === fault.node && r.t >= at &&
        r.tag === 'sync-failed') ? undefined : `no sync of ${fault.node} failed`;
    default:
      return has('fault', (r) => r.tag === fault.kind) ? undefined : 'no trace record';
  }
}

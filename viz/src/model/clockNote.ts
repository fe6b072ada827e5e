/**
 * The note drawn at the start of a lane whose local clock is off true time: where the clock
 * starts and how fast it runs, as configured, and, when clock faults move it during the run
 * (offsets, drift changes, NTP jumps), how many there are and how far off the clock ends up.
 * The faults are replayed on the engine's own `Clock`, so the figure is the one the node saw.
 */
import { Clock, type ClockConfig, type Micros, type NodeId, type ScheduledFault } from
  '../../../sim/index.js';
import { formatTime } from '../view/palette.js';

const signed = (us: number): string => `${us >= 0 ? '+' : ''}${formatTime(us)}`;

/** The lane note of `node`, or undefined when its clock keeps true time throughout. */
export function clockNote(config: ClockConfig | undefined, faults: readonly ScheduledFault[],
  node: NodeId, end: Micros): string | undefined {
  const offset = config?.offset ?? 0;
  const drift = config?.driftPpm ?? 0;
  const mine = faults.filter((f) => f.fault.kind === 'clock' && f.fault.node === node &&
    f.at <= end).sort((a, b) => a.at - b.at);
  if (offset === 0 && drift === 0 && mine.length === 0) return undefined;
  const start = `local clock ${signed(offset)} at 0${drift === 0 ? '' : `, ${
    drift > 0 ? '+' : ''}${drift} ppm`}`;
  if (mine.length === 0) {
    return drift === 0 ? start : `${start} (${signed((drift * end) / 1e6)} by the end)`;
  }
  const clock = new Clock(config ?? {});
  for (const { at, fault } of mine) {
    if (fault.kind !== 'clock') continue;
    if (fault.offset !== undefined) clock.setOffset(at, fault.offset);
    if (fault.driftPpm !== undefined) clock.setDrift(at, fault.driftPpm);
    if (fault.jump !== undefined) clock.jump(at, fault.jump);
  }
  const faultsText = `${mine.length} clock fault${mine.length === 1 ? '' : 's'}`;
  return `${start}; ${faultsText}, ${signed(clock.local(end) - end)} from true time at the end`;
}

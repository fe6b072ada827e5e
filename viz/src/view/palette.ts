/**
 * Colours and time formatting shared by the views. Role colours follow the protocols' own
 * vocabulary (leader/follower/candidate for Raft, proposer/acceptor for Paxos, coordinator
 * and participant for 2PC, master/slave for replication); unknown roles get a stable hue
 * from their name. Times are shown as the CLI shows them (protocols/durations.ts).
 */
import { showDuration } from '../../../protocols/index.js';

const ROLE_COLOURS: Readonly<Record<string, string>> = {
  leader: '#f2b705', master: '#f2b705', coordinator: '#f2b705', primary: '#f2b705',
  candidate: '#f28705', 'pre-candidate': '#f2a65a', proposer: '#f28705',
  follower: '#8fb8de', slave: '#8fb8de', participant: '#8fb8de', replica: '#8fb8de',
  backup: '#8fb8de', acceptor: '#8fb8de', learner: '#b8d8be',
};

/** The colour of a role band. */
export function roleColour(role: string): string {
  const known = ROLE_COLOURS[role.toLowerCase()];
  if (known !== undefined) return known;
  let h = 0;
  for (let i = 0; i < role.length; i++) h = (h * 31 + role.charCodeAt(i)) % 360;
  return `hsl(${h} 55% 70%)`;
}

/** A colour per term, ballot or epoch (`term 3`): neighbouring numbers get distant hues. */
export function numberColour(number: string): string {
  let h = 0;
  for (let i = 0; i < number.length; i++) h = (h * 31 + number.charCodeAt(i)) >>> 0;
  const n = Number(number.replace(/^\D+/, ''));
  const hue = Number.isFinite(n) ? (n * 137.5) % 360 : h % 360;
  return `hsl(${hue} 70% 45%)`;
}

/** Client outcome colours (Jepsen's: ok green, fail red, info yellow). */
export const OUTCOME_COLOURS: Readonly<Record<string, string>> = {
  ok: '#6ab04c', fail: '#eb4d4b', info: '#f0c419', pending: '#b0b0b0',
};

/** Microseconds as a short human time: `850µs`, `12.5ms`, `3.2s` (as the CLI shows them). */
export const formatTime = showDuration;

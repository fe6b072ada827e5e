/**
 * Colours and time formatting shared by the views. Colours mean the same in every protocol:
 * a tone (protocols/view.ts) names what a colour says (who leads, who seeks to, who follows;
 * fine, a warning, a fault), and each tone has one colour. Every colour meets WCAG AA against
 * the white page (3:1 for shapes, 4.5:1 where it is text or carries white text), and colours
 * that appear side by side (roles; client outcomes; bands and marks; message groups) are far
 * apart in CIELAB, so none is told from another by a shade (test/viz/palette.test.ts).
 */
import type { Tone } from '../../../protocols/view.js';
import type { Meaning } from '../model/derive.js';
import { showDuration } from '../../../protocols/index.js';

/** One colour per tone. */
export const TONE_COLOURS: Readonly<Record<Tone, string>> = {
  lead: '#1e40af', seek: '#7e22ce', follow: '#64748b', learn: '#0f766e', ok: '#15803d',
  warn: '#be185d', bad: '#b91c1c', muted: '#78716c', info: '#0369a1',
};

/** Client outcomes by meaning: a correct "no" is not a failure; a timeout is not either. */
export const OUTCOME_COLOURS: Readonly<Record<Meaning, string>> = {
  ok: '#15803d', answered: '#0e7490', refused: '#b91c1c', unknown: '#a16207', pending: '#78716c',
};

/** What each outcome means, for the legend. */
export const OUTCOME_WORDS: Readonly<Record<Meaning, string>> = {
  ok: 'succeeded',
  answered: 'answered no, correctly (a compare-and-set that found another value)',
  refused: 'refused: it did not happen (not the leader, unavailable, aborted)',
  unknown: 'unknown outcome: timed out, may or may not have happened',
  pending: 'still pending at the end',
};

/** Colours of message groups, in the order a protocol lists its groups. */
export const GROUP_COLOURS: readonly string[] = ['#1d4ed8', '#7e22ce', '#0f766e', '#92400e',
  '#be185d', '#0369a1', '#4d7c0f'];
/** Client requests and replies, routine traffic (heartbeats, sync notices), anything else. */
export const CLIENT_COLOUR = '#57534e';
export const ROUTINE_COLOUR = '#6b7280';
export const OTHER_COLOUR = '#334155';

/** Dropped messages, violations and the evidence that proves them. */
export const DROP_COLOUR = '#b91c1c';
export const VIOLATION_COLOUR = '#b91c1c';
export const EVIDENCE_COLOUR = '#9d174d';
/** The current instant and the divergence of two runs. */
export const CURSOR_COLOUR = '#047857';
export const DIVERGENCE_COLOUR = '#6d28d9';
/** Shading: down, paused, cut off (drawn translucent under everything). */
export const DOWN_FILL = 'rgba(82,82,91,0.32)';
export const PAUSED_FILL = 'rgba(37,99,235,0.16)';
export const CUT_FILL = 'rgba(194,65,12,0.14)';
export const CUT_TEXT = '#9a3412';
export const TEXT = '#111827';
export const SOFT_TEXT = '#44403c';

/** The colour of a role band: its tone's, in the protocol's words, else muted. */
export function toneColour(tone: Tone | undefined): string {
  return TONE_COLOURS[tone ?? 'muted'];
}

/**
 * A colour per term, ballot round or epoch: neighbouring numbers get distant hues (the golden
 * angle), dark enough for white text on it (4.5:1) at every hue.
 */
export function numberColour(n: number): string {
  const hue = Number.isFinite(n) ? (n * 137.508) % 360 : 0;
  return `hsl(${hue.toFixed(1)} 65% 27%)`;
}

/** The number in `term 3`, `ballot (3,n2)`, `epoch 4` (NaN when none). */
export function numberOf(text: string): number {
  const m = /(\d+)/.exec(text);
  return m === null ? NaN : Number(m[1]);
}

/** Microseconds as a short human time: `850µs`, `12.5ms`, `3.2s`. */
export const formatTime = showDuration;

/** Relative luminance of a `#rrggbb` colour (WCAG 2). */
export function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * (c[0] as number) + 0.7152 * (c[1] as number) + 0.0722 * (c[2] as number);
}

/** WCAG contrast ratio of two `#rrggbb` colours. */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

/** `hsl(h s% l%)` as `#rrggbb`. */
export function hslToHex(text: string): string {
  const m = /hsl\(([\d.]+) ([\d.]+)% ([\d.]+)%\)/.exec(text);
  if (m === null) return text;
  const [h, s, l] = [Number(m[1]), Number(m[2]) / 100, Number(m[3]) / 100];
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return `#${[f(0), f(8), f(4)].map((v) => Math.round(v * 255).toString(16).padStart(2, '0'))
    .join('')}`;
}

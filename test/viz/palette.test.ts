/**
 * The visualizer's colours meet WCAG AA and say one thing each: every colour drawn as a shape
 * has 3:1 contrast with the white page, every colour that carries text (or white text on it)
 * 4.5:1; the colours that appear side by side (roles; client outcomes; bands and marks;
 * message groups with dropped messages) are far apart in CIELAB, so none is told from another
 * by a shade. Term colours (a hue per term) are dark enough for white text at every hue.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT_COLOUR, contrast, DROP_COLOUR, GROUP_COLOURS, hslToHex, numberColour, OTHER_COLOUR,
  OUTCOME_COLOURS, ROUTINE_COLOUR, TONE_COLOURS,
} from '../../viz/src/view/palette.js';

const WHITE = '#ffffff';

/** CIE76 distance between two sRGB colours. */
function deltaE(a: string, b: string): number {
  const lab = (hex: string): [number, number, number] => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as
      [number, number, number];
    const x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
    const y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    const z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

function distinct(name: string, colours: readonly string[], min = 20): void {
  colours.forEach((a, i) => colours.slice(i + 1).forEach((b) => {
    expect(deltaE(a, b), `${name}: ${a} and ${b}`).toBeGreaterThanOrEqual(min);
  }));
}

describe('viz palette', () => {
  it('draws every colour with at least 3:1 contrast on the page, text colours 4.5:1', () => {
    const shapes = [...Object.values(TONE_COLOURS), ...Object.values(OUTCOME_COLOURS),
      ...GROUP_COLOURS, CLIENT_COLOUR, ROUTINE_COLOUR, OTHER_COLOUR, DROP_COLOUR];
    for (const c of shapes) expect(contrast(c, WHITE), c).toBeGreaterThanOrEqual(3);
    // Tone colours label role bands, marks and fields as text.
    for (const c of Object.values(TONE_COLOURS)) expect(contrast(c, WHITE), c).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps colours that appear together apart', () => {
    distinct('roles', [TONE_COLOURS.lead, TONE_COLOURS.seek, TONE_COLOURS.follow]);
    distinct('outcomes', Object.values(OUTCOME_COLOURS));
    distinct('bands and marks', [TONE_COLOURS.info, TONE_COLOURS.warn, TONE_COLOURS.bad,
      TONE_COLOURS.ok, TONE_COLOURS.muted, TONE_COLOURS.lead]);
    distinct('messages', [...GROUP_COLOURS, CLIENT_COLOUR, DROP_COLOUR]);
    // The leader is never confused with an operation of unknown outcome (they were 1.09:1).
    expect(deltaE(TONE_COLOURS.lead, OUTCOME_COLOURS.unknown)).toBeGreaterThan(40);
  });

  it('makes every term colour dark enough for white text', () => {
    for (let n = 0; n < 400; n++) {
      expect(contrast(hslToHex(numberColour(n)), WHITE), `term ${n}`).toBeGreaterThanOrEqual(4.5);
    }
    // Neighbouring terms get distant hues.
    for (let n = 1; n < 50; n++) {
      expect(deltaE(hslToHex(numberColour(n)), hslToHex(numberColour(n + 1)))).toBeGreaterThan(15);
    }
  });
});

/**
 * heartbeat: the detector sweep. It yields one row per threshold × loss, the same rows for
 * the same options, and shows the trade-off: a higher phi threshold detects later and errs
 * less often.
 */
import { describe, expect, it } from 'vitest';
import { detectorSweep } from '../../protocols/heartbeat/sweep.js';

const options = { detector: 'phi' as const, thresholds: [1, 8], losses: [0, 0.2], seeds: [1, 2],
  duration: 20_000_000 };

describe('heartbeat: detector sweep', () => {
  it('gives a row per cell, deterministically', () => {
    const rows = detectorSweep(options);
    expect(rows.map((r) => [r.threshold, r.loss])).toEqual([[1, 0], [1, 0.2], [8, 0], [8, 0.2]]);
    expect(detectorSweep(options)).toEqual(rows);
  });

  it('trades detection time against false suspicions', () => {
    const rows = detectorSweep(options);
    for (const loss of options.losses) {
      const low = rows.find((r) => r.threshold === 1 && r.loss === loss);
      const high = rows.find((r) => r.threshold === 8 && r.loss === loss);
      expect(high?.detectionTimeMs).toBeGreaterThan(low?.detectionTimeMs ?? Infinity);
      expect(high?.falseSuspicionsPerHour).toBeLessThan(low?.falseSuspicionsPerHour ?? 0);
    }
  });
});

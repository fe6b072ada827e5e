/**
 * `faultline fuzz --param name=value`: values read as a scenario file's `params` would hold
 * them, checked against the protocol's schema, with errors that name the parameter; and the
 * campaign's runs carry them.
 */
import { describe, expect, it } from 'vitest';
import { shareConfig } from '../../cli/fuzzOptions.js';
import { InputError } from '../../cli/io.js';
import { protocols } from '../../protocols/index.js';
import { Campaign } from '../../runner/fuzz/index.js';

const config = (...param: string[]) => shareConfig('raft', { param, seed: '1' }, protocols);

describe('faultline fuzz --param', () => {
  it('reads values as YAML and keeps them for every run', () => {
    expect(config('snapshotEvery=5', 'preVote=true', 'electionTimeout=[100ms, 200ms]').params)
      .toEqual({ snapshotEvery: 5, preVote: true, electionTimeout: ['100ms', '200ms'] });
    const campaign = new Campaign({ protocol: protocols.raft as never, registry: protocols,
      seed: 1, params: { snapshotEvery: 5 }, bugs: ['stale-leader-read'], duration: 300_000 });
    expect(campaign.params).toEqual({ snapshotEvery: 5, bugs: ['stale-leader-read'] });
    expect(campaign.run(0).events).toBeGreaterThan(0);
  });

  it('names the parameter that is wrong', () => {
    const message = (...param: string[]) => {
      try {
        config(...param);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return 'no error';
    };
    // The words a scenario file's errors use, not the validation library's.
    expect(message('snapshotEvery=-1')).toBe('--param snapshotEvery: at least 0, got -1');
    expect(message('preVote=3')).toBe('--param preVote: true or false, got 3');
    expect(message('nosuch=1')).toBe('--param nosuch: not a parameter of raft');
    expect(message('snapshotEvery')).toMatch(/^--param: name=value/);
    expect(message('bugs=[x]')).toBe('--param: set bugs with --bug');
  });
});

/**
 * twopc: the plain campaign finds every bug switch of the catalogue, and each bug's scenario
 * shows it and holds without it (test/support/bugHunt.ts).
 */
import { describe, expect, it } from 'vitest';
import { TWOPC_BUGS } from '../../protocols/twopc/bugs.js';
import { twoPc } from '../../protocols/twopc/definition.js';
import { BUG_NAMES } from '../../protocols/twopc/params.js';
import { describeBugSwitches } from '../support/bugHunt.js';

describe('twopc: bug catalogue', () => {
  it('has a catalogue entry with a scenario for every switch', () => {
    expect(TWOPC_BUGS.map((b) => b.name)).toEqual([...BUG_NAMES]);
  });
});

describeBugSwitches(twoPc);

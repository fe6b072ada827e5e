/**
 * Two-phase commit participant handlers as transcripts (sim/transcript.ts), across a restart.
 * A yes vote is a promise: it leaves only once the prepared record is durable, and a
 * participant that restarts with that record is blocked (it arms its decision timer) and
 * answers a repeated Prepare with the same vote, writing nothing. If the crash came before
 * the record was durable, nothing was promised: the repeated Prepare is judged afresh.
 */
import { describe, expect, it } from 'vitest';
import { sends, SimDisk, Transcript } from '../../sim/index.js';
import { accountsOf } from '../../protocols/twopc/accounts.js';
import type { TwoPcMessage } from '../../protocols/twopc/messages.js';
import { TwoPcServer } from '../../protocols/twopc/node.js';
import { rolesOf, twoPcParams } from '../../protocols/twopc/params.js';

const servers = ['n1', 'n2', 'n3'];
const params = twoPcParams.parse({});
const roles = rolesOf(servers, params);
const account = accountsOf('n2', roles.participants, params.accounts)[0] as string;

/** The participant n2 on `disk`, started. */
function participant(disk: SimDisk) {
  const t = new Transcript<TwoPcMessage>({ id: 'n2', servers, disk,
    program: new TwoPcServer('n2', roles, params) });
  return { t, started: t.start() };
}

const prepare: TwoPcMessage = { type: 'Prepare', tx: 't1', participants: ['n2', 'n3'],
  work: { deltas: [{ account, amount: -5 }], reads: [] } };
const yes = { type: 'Vote', tx: 't1', yes: true, reads: {} };

describe('twopc transcripts', () => {
  it('votes yes only after the prepared record is durable', () => {
    const { t } = participant(new SimDisk());
    const step = t.message('n1', prepare);
    expect(step.writes.map((w) => w.op === 'append' ? w.log : w.op)).toEqual(['rm', 'rm.mirror']);
    expect(sends(step)).toEqual([
      { to: 'n1', afterSync: true, msg: yes },
      { to: 'n2', afterSync: true, msg: { type: 'PreparedDurable', tx: 't1' } },
    ]);
    expect(step.effects.filter((e) => e.kind === 'sendAfterSync'))
      .toEqual(expect.arrayContaining([expect.objectContaining({ needs: t.disk.writeSequence })]));
  });

  it('after a restart with the record durable: blocked, and the same vote again, nothing written', () => {
    const disk = new SimDisk();
    participant(disk).t.message('n1', prepare);
    disk.completeSync(disk.writeSequence);
    disk.crash(false);
    const { t, started } = participant(disk);
    // Blocked: it waits for the decision, with a timer to ask for it.
    expect(started.effects).toContainEqual(expect.objectContaining({ kind: 'setTimer',
      name: 'decide:t1' }));
    const step = t.at(1_000).message('n1', prepare);
    expect(step.writes).toEqual([]);
    expect(sends(step)).toEqual([{ to: 'n1', afterSync: true, msg: yes }]);
  });

  it('after a restart that lost the record: no promise was made, so it prepares afresh', () => {
    const disk = new SimDisk();
    participant(disk).t.message('n1', prepare);
    disk.crash(false); // before the sync completed
    const { t, started } = participant(disk);
    expect(started.effects.some((e) => e.kind === 'setTimer')).toBe(false);
    const step = t.at(1_000).message('n1', prepare);
    expect(step.writes.map((w) => w.op === 'append' ? w.log : w.op)).toEqual(['rm', 'rm.mirror']);
    expect(sends(step)[0]).toEqual({ to: 'n1', afterSync: true, msg: yes });
  });
});

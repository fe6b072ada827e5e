/**
 * paxos and paxos-single: the plain campaign finds every bug switch of both catalogues, and
 * each bug's scenario shows it and holds without it (test/support/bugHunt.ts).
 */
import { paxos, paxosSingle } from '../../protocols/paxos/definition.js';
import { describeBugSwitches } from '../support/bugHunt.js';

describeBugSwitches(paxos);
describeBugSwitches(paxosSingle);

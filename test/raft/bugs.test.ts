/**
 * raft: the plain campaign finds every bug switch of the catalogue, and each bug's scenario
 * shows it and holds without it (test/support/bugHunt.ts).
 */
import { raft } from '../../protocols/raft/definition.js';
import { describeBugSwitches } from '../support/bugHunt.js';

describeBugSwitches(raft);

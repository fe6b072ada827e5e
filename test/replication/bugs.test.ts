/**
 * replication: the plain campaign finds every bug switch of the catalogue, and each bug's
 * scenario shows it and holds without it (test/support/bugHunt.ts).
 */
import { replication } from '../../protocols/replication/definition.js';
import { describeBugSwitches } from '../support/bugHunt.js';

describeBugSwitches(replication);

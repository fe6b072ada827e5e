/**
 * balancer: the plain campaign finds every bug switch of the catalogue, and each bug's scenario
 * shows it and holds without it (test/support/bugHunt.ts).
 */
import { balancer } from '../../protocols/balancer/definition.js';
import { describeBugSwitches } from '../support/bugHunt.js';

describeBugSwitches(balancer);

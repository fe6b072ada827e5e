/**
 * Checkers: properties checked during a run, client histories, and the linearizability
 * checker that judges a history after it.
 */
export type { HistoryEvent, Operation, Outcome as OperationOutcome } from './history.js';
export type {
  AlwaysProperty,
  LivenessCheck,
  LivenessPhase,
  Property,
  SometimesProperty,
  Violation,
  World,
} from './property.js';

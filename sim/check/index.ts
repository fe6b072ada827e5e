/**
 * Checkers: properties checked during a run, client histories, and the linearizability
 * checker that judges a history after it.
 */
export type { HistoryEvent, Operation, Outcome as OperationOutcome } from './history.js';
export { evidenceNow } from './property.js';
export type {
  AlwaysProperty,
  Evidence,
  LivenessCheck,
  LivenessPhase,
  Property,
  SometimesProperty,
  Violation,
  World,
} from './property.js';
export * from './model.js';
export * from './models/register.js';
export * from './models/kv.js';
export * from './models/mutex.js';
export * from './models/failedCas.js';
export * from './operations.js';
export {
  checkHistory,
  checkOperations,
  type CheckOptions,
  type Exhausted,
  type LinearizabilityResult,
  type Violation as LinearizabilityViolation,
} from './linearizability.js';
export * from './historyFormat.js';
export * from './ednHistory.js';
export * from './historyCheck.js';
export * from './historyWrite.js';
export * from './historyFormatError.js';
export * from './porcupineFormat.js';
export type { ClientMessage, ClientReply, ClientRequest } from './clientProtocol.js';
export { isClientRequest } from './clientProtocol.js';
export * from './workload.js';
export type { AdminCommand, AdminMessage, AdminReply, AdminRequest } from './adminProtocol.js';
export { NOT_LEADER } from './adminProtocol.js';
export { ATTEMPT_TIMEOUT, MAX_ATTEMPTS, Operator, OPERATOR, RETRY_PAUSE } from './operator.js';
export type { AdminOutcome } from './operator.js';

/**
 * A run's trace as the visualizer's model: the engine's records in columns, and what is
 * derived from them, with the violation the run reports (a history found not linearizable
 * after the run is not in the trace) and its evidence. Node-safe: tests use it too.
 */
import type { Engine } from '../../../sim/index.js';
import type { RunReport } from '../../../runner/index.js';
import { derive, type Derived, validEvidence, withViolation } from './derive.js';
import { fromRecords, type TraceModel } from './traceModel.js';

/** The model and derived facts of a finished run. */
export function modelOfRun(engine: Engine<unknown>, report: RunReport): { model: TraceModel;
  derived: Derived } {
  const trace = engine.trace;
  // The operator process, when the run has one, has a lane after the clients (as in a trace
  // file's header, cli/execute.ts).
  const clients = engine.operator === undefined ? engine.clients
    : [...engine.clients, engine.operator];
  const model = fromRecords({ seed: engine.seed, nodes: engine.servers, clients,
    hash: report.result.hash }, trace.storedLength, (i) => trace.record(i));
  return { model, derived: deriveRun(model, report) };
}

/** Derives a run's model, marking a violation the trace itself does not record. */
export function deriveRun(model: TraceModel, report: RunReport): Derived {
  return deriveWithReport(model, derive(model), report);
}

/** What is derived from a run's trace, with the violation its report adds (if any). */
export function deriveWithReport(model: TraceModel, derived: Derived, report: RunReport): Derived {
  const v = report.violation;
  return v === undefined ? derived
    : withViolation(derived, model, blamedRecord(model, report) ?? v.index, v.name,
      validEvidence(model, v.evidence));
}

/**
 * For a history found not linearizable after the run, the record to mark: the completion of
 * the last operation in the checker's minimal counterexample (where the contradiction shows).
 */
function blamedRecord(model: TraceModel, report: RunReport): number | undefined {
  const ops = report.linearizability?.violation?.operations ?? [];
  const returns = ops.map((o) => o.returnTime).filter((t) => Number.isFinite(t));
  if (returns.length === 0) return undefined;
  return model.upperBound(Math.max(...returns)) - 1;
}

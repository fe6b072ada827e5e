/**
 * Writing a trace back out, and its hash: a model (from a run or a file) as the JSON Lines
 * of sim/trace.ts, for the "Download trace" button, and the trace hash recomputed from its
 * records with the engine's own `hashRecords`, to check a file against the run that wrote it.
 */
import { hashRecords, TRACE_FORMAT_VERSION } from '../../../sim/index.js';
import type { TraceModel } from './traceModel.js';

/** The trace hash of a model's records. */
export function traceHash(model: TraceModel): string {
  const records = function* () {
    for (let i = 0; i < model.n; i++) yield model.record(i);
  };
  return hashRecords(records(), model.lanes);
}

/**
 * The model as a trace file: a header line, then one record per line. The header carries
 * `meta` (the scenario that reproduces the run), given or as the model read it, so that
 * `faultline replay` can rerun the file and check its hash.
 */
export function toJsonl(model: TraceModel, meta = model.info.meta): string {
  const header = { format: 'faultline-trace', version: TRACE_FORMAT_VERSION,
    seed: model.info.seed, nodes: model.info.nodes, clients: model.info.clients,
    ...(meta === undefined ? {} : { meta }) };
  const lines = [JSON.stringify(header)];
  for (let i = 0; i < model.n; i++) lines.push(JSON.stringify(model.record(i)));
  return `${lines.join('\n')}\n`;
}

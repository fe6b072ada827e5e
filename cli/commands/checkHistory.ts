/**
 * `faultline check-history <file> [--model register|kv]`: the linearizability checker on a
 * history file in our JSON Lines format or in Porcupine's/Jepsen's (etcd log, kv EDN). The
 * model defaults by format: a Jepsen etcd log is a register, everything else a key-value map.
 */
import { performance } from 'node:perf_hooks';
import { checkHistory, type LinearizabilityResult } from '../../sim/check/linearizability.js';
import { parseHistory } from '../../sim/check/historyFormat.js';
import { HistoryFormatError } from '../../sim/check/historyFormatError.js';
import type { AnyModel } from '../../sim/check/model.js';
import { kvModel } from '../../sim/check/models/kv.js';
import { registerModel } from '../../sim/check/models/register.js';
import type { Operation } from '../../sim/check/history.js';
import { EXIT, InputError, out, outJson } from '../io.js';
import { readText } from '../paths.js';

/** Options of `faultline check-history`. */
export interface CheckHistoryOptions {
  readonly model?: string;
  readonly json?: boolean;
  readonly budget?: string;
}

const showOp = (op: Operation): string => JSON.stringify(op);

/**
 * The model for a history: Porcupine's kv model reads a missing key as the empty string
 * (Jepsen EDN histories); our own histories read it as nil and keep a failed CAS as an
 * observation, as the engine's clients record them.
 */
function modelFor(name: 'register' | 'kv', format: string): AnyModel {
  if (name === 'register') return registerModel() as unknown as AnyModel;
  const options = format === 'jepsen-edn' ? { initial: '' } : { failedCasIsObservation: true };
  return kvModel(options) as unknown as AnyModel;
}

/** Checks one history file; returns the exit code. */
export function checkHistoryCommand(file: string, options: CheckHistoryOptions): number {
  const text = readText(file);
  let parsed;
  try {
    parsed = parseHistory(text, file);
  } catch (error) {
    if (error instanceof HistoryFormatError) throw new InputError(error.message);
    throw error;
  }
  const modelName = options.model ?? (parsed.format === 'jepsen-log' ? 'register' : 'kv');
  if (modelName !== 'register' && modelName !== 'kv') {
    throw new InputError(`--model: register or kv, got ${JSON.stringify(modelName)}`);
  }
  const model = modelFor(modelName, parsed.format);
  const budget = options.budget === undefined ? 60_000 : Number(options.budget) * 1000;
  const result: LinearizabilityResult = checkHistory(model, parsed.events,
    { timeBudgetMs: budget, now: () => performance.now() });
  const summary = { file, format: parsed.format, model: modelName, events: parsed.events.length,
    verdict: result.verdict, partitions: result.partitions, steps: result.steps,
    ...(result.exhausted === undefined ? {} : { exhausted: result.exhausted }),
    ...(result.violation === undefined ? {} : { violation: {
      partition: result.violation.partition, operations: result.violation.operations,
      unknownOperations: result.violation.unknownOperations, minimal: result.violation.minimal,
      explanation: result.violation.explanation } }) };
  if (options.json === true) outJson(summary);
  else {
    const lines = [`${file}: ${result.verdict} (${parsed.format}, model ${modelName}, ${
      parsed.events.length} events, ${result.partitions} partitions, ${
      result.steps} search steps)`];
    if (result.exhausted !== undefined) lines.push(`  the check ran out of ${result.exhausted}`);
    const v = result.violation;
    if (v !== undefined) {
      const key = v.partition === '' ? '' : ` (key ${v.partition})`;
      lines.push(`  operations that cannot be ordered${key}:`);
      lines.push(...v.operations.map((op) => `    ${showOp(op)}`));
      lines.push(...v.explanation.split('\n').map((l) => `  ${l}`));
    }
    out(lines.join('\n'));
  }
  return result.verdict === 'linearizable' ? EXIT.ok : EXIT.failed;
}

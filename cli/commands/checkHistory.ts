/**
 * `faultline check-history <file> [--model register|kv|mutex] [--initial V] [--budget S]
 * [--memory MiB] [--no-explain]`: the linearizability checker on a history file in our JSON Lines, Jepsen's
 * or Knossos's EDN, or Porcupine's etcd log (sim/check/historyCheck.ts chooses the model and
 * the semantics of each format). Exit codes a script can branch on: 0 linearizable, 1 not
 * linearizable, 3 unknown (the budget ran out), 2 bad input, with `file:line:` and no stack.
 */
import { performance } from 'node:perf_hooks';
import { checkHistoryText, type HistoryCheck, HISTORY_MODELS, type HistoryModelName }
  from '../../sim/check/historyCheck.js';
import { DEFAULT_MEMORY_MIB } from '../../sim/check/linearizability.js';
import { HistoryFormatError } from '../../sim/check/historyFormatError.js';
import { EXIT, InputError, out, outJson } from '../io.js';
import { readText } from '../paths.js';

/** Options of `faultline check-history`. */
export interface CheckHistoryOptions {
  readonly model?: string;
  readonly initial?: string;
  readonly json?: boolean;
  readonly budget?: string;
  /** `--memory`: MiB the search may take. */
  readonly memory?: string;
  /** False with `--no-explain`: the verdict without minimising a violation. */
  readonly explain?: boolean;
}

/** `--budget`: a positive number of seconds. */
export function parseBudget(text: string | undefined): number {
  if (text === undefined) return 60;
  const seconds = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new InputError(`--budget: a positive number of seconds, such as 60, got ${
      JSON.stringify(text)}`);
  }
  return seconds;
}

/** `--memory`: a positive number of MiB. */
function parseMemory(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MEMORY_MIB;
  const mib = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(mib > 0) || !Number.isFinite(mib)) {
    throw new InputError(`--memory: a positive number of MiB, such as ${DEFAULT_MEMORY_MIB}, got ${
      JSON.stringify(text)}`);
  }
  return mib;
}

/** Checks one history file; returns the exit code. */
export function checkHistoryCommand(file: string, options: CheckHistoryOptions): number {
  const budget = parseBudget(options.budget);
  const memory = parseMemory(options.memory);
  if (options.model !== undefined && !HISTORY_MODELS.includes(options.model as never)) {
    throw new InputError(`--model: ${HISTORY_MODELS.join(', ')}, got ${
      JSON.stringify(options.model)}`);
  }
  const text = readText(file);
  let checked: HistoryCheck;
  try {
    checked = checkHistoryText(text, file, {
      ...(options.model === undefined ? {} : { model: options.model as HistoryModelName }),
      ...(options.initial === undefined ? {} : { initial: options.initial }),
      ...(options.explain === false ? { explain: false } : {}),
      timeBudgetMs: budget * 1000, now: () => performance.now(),
      maxMemoryBytes: memory * 2 ** 20,
    });
  } catch (error) {
    if (error instanceof HistoryFormatError) throw new InputError(error.message);
    throw error;
  }
  if (options.json === true) outJson(summaryJson(file, checked));
  else out(summaryText(file, checked, memory));
  const verdict = checked.result.verdict;
  return verdict === 'linearizable' ? EXIT.ok : verdict === 'unknown' ? EXIT.unknown
    : EXIT.failed;
}

function summaryJson(file: string, { parsed, model, initial, result }: HistoryCheck) {
  const v = result.violation;
  return { file, format: parsed.format, model, initial, events: parsed.events.length,
    skipped: parsed.skipped, verdict: result.verdict, partitions: result.partitions,
    steps: result.steps,
    ...(result.exhausted === undefined ? {} : { exhausted: result.exhausted }),
    ...(v === undefined ? {} : { violation: {
      partition: v.partition, operations: v.operations, unknownOperations: v.unknownOperations,
      minimal: v.minimal, explanation: v.explanation } }) };
}

function summaryText(file: string, { parsed, model, initial, result }: HistoryCheck,
  memory: number): string {
  const start = initial === null ? '' : `, initial ${JSON.stringify(initial)}`;
  const skipped = parsed.skipped === 0 ? '' : `, ${parsed.skipped} nemesis operations skipped`;
  const lines = [`${file}: ${result.verdict} (${parsed.format}, model ${model}${start}, ${
    parsed.events.length} events${skipped}, ${result.partitions} partitions, ${
    result.steps} search steps)`];
  if (result.exhausted === 'memory') {
    lines.push(`  the check ran out of memory (${memory} MiB); --memory gives it more`);
  } else if (result.exhausted !== undefined) {
    lines.push(`  the check ran out of ${result.exhausted}; --budget gives it more time`);
  }
  // The explanation lists the operations that cannot be ordered; --json gives them as data.
  const v = result.violation;
  if (v !== undefined) lines.push(...v.explanation.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

/**
 * Runs the linearizability checker on one history file in a process of its own, so that its
 * peak memory is the checker's: `node dist/bench/checkWorker.js FILE REPEATS`. Prints one JSON
 * object: the best and the first check time in milliseconds, the verdict, the search steps,
 * and the process's peak resident memory in kB. Used by bench/checker.ts.
 * The time is that of `checkOperations` on operations already paired from the events, as
 * Porcupine's harness (bench/porcupine/main.go) times `CheckOperations` on operations it built
 * while loading: parsing and pairing are outside both clocks.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseHistory } from '../sim/check/historyFormat.js';
import { checkOperations, type LinearizabilityResult } from '../sim/check/linearizability.js';
import { registerModel } from '../sim/check/models/register.js';
import { pairOperations } from '../sim/check/operations.js';

const [file, repeatsText] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: checkWorker FILE [REPEATS]\n');
  process.exit(2);
}
const operations = pairOperations(parseHistory(readFileSync(file, 'utf8'), file).events);
const model = registerModel();
let best = Infinity;
let first = 0;
let result: LinearizabilityResult | undefined;
for (let r = 0; r < Number(repeatsText ?? 1); r++) {
  const start = performance.now();
  result = checkOperations(model, operations, { explain: false, now: () => performance.now(),
    timeBudgetMs: 600_000 });
  const ms = performance.now() - start;
  if (r === 0) first = ms;
  best = Math.min(best, ms);
}
process.stdout.write(`${JSON.stringify({ ms: best, firstMs: first, verdict: result?.verdict,
  exhausted: result?.exhausted, steps: result?.steps,
  maxRssKb: process.resourceUsage().maxRSS })}\n`);

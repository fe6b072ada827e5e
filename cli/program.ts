/**
 * The `faultline` command's program (cli/main.ts starts it): run scenarios, fuzz protocols,
 * replay counterexamples, check histories, list what exists. Arguments by commander; every
 * command takes `--json` and then prints one JSON document on stdout. Exit codes: 0 everything
 * expected held, 1 a violation or a failed expectation, 2 bad input (printed as
 * `file:line:column: field: expected`, no stack trace), 3 unknown (`check-history` ran out of
 * its budget).
 *
 * With no command it runs the default scenario (scenarios/raft/leader-failure.yaml, else the
 * first scenario file found), or prints help when there is none.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXIT, err, InputError, outJson } from './io.js';
import { defaultScenario, packageVersion } from './paths.js';
import { ownProtocols, type Registry } from './registry.js';
import { parseReporter } from './reporters.js';

let jsonMode = false;

/** Where the CLI finds its protocols and its fuzz worker script. */
export interface CliContext {
  /** The protocols, loaded on first use (so that `--help` does not load them). */
  readonly registry: () => Promise<Registry>;
  /** The built worker entry (default: fuzzWorker.js beside the running bundle). */
  readonly workerUrl: URL;
}

const JSON_HELP = 'print one JSON document on stdout';
const REPORTER_HELP = 'also report for CI: junit=FILE (JUnit XML) or github (annotations); ' +
  'repeatable';

function fuzzOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--runs <n>', 'number of runs').conflicts('time'))
    .option('--time <duration>', 'wall-clock budget, such as 60s or 5m')
    .option('--seed <s>', 'campaign seed (each run seed derives from it and the run index)')
    .option('--workers <k>', 'runs at once on this machine: this thread and k-1 worker threads',
      '1')
    .option('--shard <i/n>', 'run only the shard i of n: run indexes ≡ i-1 (mod n)')
    .option('--bug <name...>', 'switch on bugs of the protocol')
    .option('--param <name=value...>', 'set a protocol parameter, such as snapshotEvery=5')
    .option('--out <dir>', 'where counterexamples are written', 'counterexamples')
    .option('--duration <time>', 'simulated time per run')
    .option('--keep-going [n]', 'go on past failures, collecting up to n distinct ones (10)')
    .option('--no-nemesis', 'blind fault schedules only, without nemeses that watch and strike')
    .option('--no-shrink', 'report failures as found, without shrinking')
    .option('--shrink-runs <n>', 'reruns spent shrinking one failure', '150')
    .option('--nodes <n>', 'servers per run: a count or a range such as 3-7')
    .option('--check-determinism', 'run each seed twice and compare trace hashes')
    .option('--reporter <spec>', REPORTER_HELP, parseReporter)
    .option('--json', JSON_HELP);
}

/** The commands; each loads its module on use, so that `--help` starts fast. */
function program(context: CliContext, done: (code: number) => void): Command {
  const registry = async (): Promise<Registry> => ownProtocols(await context.registry());
  const cli = new Command('faultline')
    .description('A deterministic distributed-systems simulator: run scenarios, fuzz protocols.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .exitOverride()
    .configureOutput({ writeErr: (s) => err(s.trimEnd()) });
  cli.command('run').argument('<scenario...>', 'scenario files (YAML)')
    .description('run scenario files and judge them')
    .option('--seed <n>', 'override the scenario seed')
    .option('--trace <file>', 'write the trace as JSON Lines')
    .option('--history <file>', 'write the client history: .jsonl, .edn (Jepsen) or .log/.txt ' +
      '(Porcupine)')
    .addOption(new Option('--format <format>', 'the format of --history, whatever its extension')
      .choices(['jsonl', 'edn', 'porcupine']))
    .option('--check-determinism', 'run each scenario twice and compare trace hashes')
    .option('--reporter <spec>', REPORTER_HELP, parseReporter)
    .option('--json', JSON_HELP)
    .action(async (files: string[], o) => {
      const { runCommand } = await import('./commands/run.js');
      done(await runCommand(files, o, await registry()));
    });
  fuzzOptions(cli.command('fuzz').argument('<target>', 'a protocol name or a scenario file to vary')
    .description('a fuzz campaign: generated fault schedules and workloads, shrunk on failure'))
    .action(async (target: string, o) => {
      const { fuzzCommand } = await import('./commands/fuzz.js');
      done(await fuzzCommand(target, o, await registry(), context.workerUrl));
    });
  cli.command('replay').argument('<file>', 'a counterexample scenario or a trace file')
    .description('reproduce a counterexample or a trace exactly (trace hash compared)')
    .option('--json', JSON_HELP)
    .action(async (file: string, o) => {
      const { replayCommand } = await import('./commands/replay.js');
      done(await replayCommand(file, o, await registry()));
    });
  cli.command('check-history')
    .argument('<file>', 'a history: ours (JSONL), Jepsen/Knossos EDN or a Porcupine etcd log')
    .description('check a history for linearizability; exit 0 linearizable, 1 not, ' +
      '3 unknown (budget), 2 bad input')
    .addOption(new Option('--model <model>', 'the model (default: from the file)')
      .choices(['register', 'kv', 'mutex']))
    .option('--initial <value>', 'the initial value: nil (default), a number or a string')
    .option('--budget <seconds>', 'time budget for the search', '60')
    .option('--memory <MiB>', 'memory budget for the search', '512')
    .option('--no-explain', 'the verdict only: skip minimising and explaining a violation')
    .option('--json', JSON_HELP)
    .action(async (file: string, o) => {
      const { checkHistoryCommand } = await import('./commands/checkHistory.js');
      done(checkHistoryCommand(file, o));
    });
  cli.command('viz').argument('[target]', 'a bundled scenario key, a scenario file or a trace')
    .description('serve the web visualizer on localhost, optionally opening a scenario or trace')
    .option('--port <n>', 'port to listen on (0 picks a free one)')
    .addOption(new Option('--build <when>', 'build the app').choices(['auto', 'never', 'always']))
    .action(async (target: string | undefined, o) => {
      const { vizCommand } = await import('./vizCommand.js');
      done(await vizCommand(target, o));
    });
  cli.command('compare').argument('<file...>', 'a comparison (a scenario with a compare: ' +
    'block), or two or more scenario files')
    .description('run designs under one fault script side by side: one table of availability, ' +
      'consistency, recovery and cost')
    .option('--seed <n>', 'override the seed of every design')
    .option('--out <dir>', "write each design's run as a scenario that replays it")
    .option('--json', JSON_HELP)
    .action(async (files: string[], o) => {
      const { compareCommand } = await import('./commands/compare.js');
      done(compareCommand(files, o, await registry()));
    });
  cli.command('sweep').argument('<target>', 'a scenario or comparison file, or heartbeat')
    .description('vary fields over lists of values, repeated over seeds: each figure with its ' +
      '95% confidence interval (heartbeat: the detectors\' trade-off)')
    .option('--vary <path=values>', 'a field and its values, such as network.loss=0,0.1,0.3 or ' +
      'failures.mtbf=10s,30s; repeatable (every combination)', (v: string, all: string[]) =>
      [...all, v], [] as string[])
    .option('--runs <n>', 'seeds per cell: the file\'s seed and the next n-1 (default 5)')
    .option('--seeds <list>', 'seeds per cell: a list (1,2,3) or a range (1-50)')
    .option('--metrics <list>', 'figures to show (default the comparison table\'s)')
    .option('--csv <file>', 'write the rows as CSV, for plotting')
    .option('--out <file>', 'write the rows as JSON (the visualizer charts it)')
    .option('--detector <kind>', 'heartbeat: phi or fixed (default phi)')
    .option('--thresholds <list>', 'heartbeat: phi thresholds, or missed beats for fixed')
    .option('--losses <list>', 'heartbeat: loss probabilities (default 0,0.1,0.3)')
    .option('--nodes <n>', 'heartbeat: cluster size (default 3)')
    .option('--duration <time>', 'heartbeat: simulated time per run; n1 crashes halfway (30s)')
    .option('--json', JSON_HELP)
    .action(async (target: string, o) => {
      const { sweepCommand } = await import('./commands/sweep.js');
      done(await sweepCommand(target, { ...o, vary: o.vary.length === 0 ? undefined : o.vary },
        registry));
    });
  cli.command('list').description('protocols, their parameters and bugs, and scenarios')
    .option('--json', JSON_HELP)
    .action(async (o) => {
      const { listCommand } = await import('./commands/list.js');
      done(listCommand(o, await registry()));
    });
  return cli;
}

/** Runs `faultline` with these arguments; returns the exit code (bad input: 2, no stack). */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  return main(argv, context).catch(fail);
}

async function main(argv: readonly string[], context: CliContext): Promise<number> {
  jsonMode = argv.includes('--json');
  let code: number = EXIT.ok;
  const cli = program(context, (c) => { code = c; });
  let args = [...argv];
  if (args.length === 0) {
    const scenario = defaultScenario();
    if (scenario === undefined) {
      cli.outputHelp();
      return EXIT.ok;
    }
    args = ['run', scenario];
  }
  await cli.parseAsync(args, { from: 'user' });
  return code;
}

function fail(caught: unknown): number {
  let error = caught;
  if (error instanceof CommanderError) {
    const help = error.exitCode === 0 || error.code === 'commander.helpDisplayed';
    if (help) return EXIT.ok;
    // Commander has said what is wrong on stderr; with --json, stdout still gets its document.
    if (jsonMode) outJson({ error: error.message.replace(/^error: /, ''), problems: [] });
    return EXIT.badInput;
  }
  // A ConfigError (bad input found by the engine), known by name so sim/ loads only on use.
  if (error instanceof Error && error.name === 'ConfigError') error = new InputError(error.message);
  if (error instanceof InputError) {
    if (jsonMode) outJson({ error: error.message, problems: error.problems });
    else err(error.message);
    return EXIT.badInput;
  }
  throw error;
}

/**
 * One run in the page: a loaded scenario, its seed, and the faults a person added at chosen
 * instants. Added faults are merged into the spec's schedule and the run starts again from
 * t = 0, which is always deterministic and gives exactly what `faultline run` gives for the
 * downloaded YAML. The inspector asks for the engine at an event index: the session replays a
 * fresh engine up to there (keeping it to step further for the next question).
 */
import type { Engine, ScheduledFault, Seed } from '../../../sim/index.js';
import type { ProtocolView, ViewWorld } from '../../../protocols/view.js';
import type { LevelSample } from '../view/levelsChart.js';
import { judge, type LoadedScenario, prepareRun, type PreparedRun, type RunReport,
  type RunSpec, toScenarioYaml } from '../../../runner/index.js';
import type { Derived } from '../model/derive.js';
import { modelOfRun } from '../model/runModel.js';
import type { TraceModel } from '../model/traceModel.js';
import { registry } from './catalogue.js';

/** Wall-clock budget of the linearizability check after a run in the page. */
export const CHECK_BUDGET_MS = 5_000;

/** A finished run: what the views draw and what the status line reports. */
export interface RunOutcome {
  readonly model: TraceModel;
  readonly derived: Derived;
  readonly report: RunReport;
}

/** Reads a seed typed by a person: digits are a number, anything else a string. */
export function parseSeed(text: string): Seed {
  return /^-?\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : text;
}

/** A scenario with a seed and added faults. */
export class Session {
  readonly spec: RunSpec;
  private replay: PreparedRun | undefined;

  constructor(
    readonly key: string,
    readonly loaded: LoadedScenario,
    readonly seed: Seed,
    readonly added: readonly ScheduledFault[],
    /** The scenario's text and file name, so a worker can load it again. */
    readonly source?: { readonly text: string; readonly fileName: string },
  ) {
    const faults = [...loaded.spec.faults, ...added]
      .map((f, i) => ({ f, i }))
      .sort((a, b) => a.f.at - b.f.at || a.i - b.i)
      .map(({ f }) => f);
    this.spec = { ...loaded.spec, seed, faults };
  }

  /** The same scenario with another seed or fault list. */
  with(change: { seed?: Seed; added?: readonly ScheduledFault[] }): Session {
    return new Session(this.key, this.loaded, change.seed ?? this.seed, change.added ?? this.added,
      this.source);
  }

  /** Runs to the end, judges, and builds the model. `progress` gets the fraction done. */
  run(progress?: (fraction: number, events: number) => void): RunOutcome {
    const { engine, report } = this.runEngine(progress);
    return { ...modelOfRun(engine, report), report };
  }

  /** Runs the engine to the end in slices, reporting progress, and judges the run. */
  runEngine(progress?: (fraction: number, events: number) => void): { engine: Engine<unknown>;
    report: RunReport } {
    const prepared = prepareRun(this.spec, { trace: 'memory' }, registry);
    const engine = prepared.engine;
    const slices = 50;
    for (let k = 1; k < slices && !engine.isStopped; k++) {
      engine.run(Math.floor((this.spec.duration * k) / slices));
      progress?.(k / slices, engine.trace.length);
    }
    engine.run(this.spec.duration);
    // A bounded linearizability check: a history it cannot settle in time is reported as
    // undetermined rather than holding the page (the trace and its hash are unaffected).
    const report = judge(prepared,
      { checkBudgetMs: CHECK_BUDGET_MS, now: () => performance.now() });
    return { engine, report };
  }

  /** The engine after event `index` (replayed from the start or stepped on from the last). */
  engineAt(index: number): { engine: Engine<unknown>; prepared: PreparedRun } {
    if (this.replay === undefined || this.replay.engine.eventIndex > index) {
      this.replay = prepareRun(this.spec, { trace: 'memory' }, registry);
    }
    const engine = this.replay.engine;
    while (engine.eventIndex < index && engine.now <= this.spec.duration && engine.step()) {
      // stepping; a step may record several events
    }
    return { engine, prepared: this.replay };
  }

  /**
   * The trace header's `meta`: the scenario file of this run (added faults included) and where
   * it came from, so `faultline replay` reruns a downloaded trace and checks its hash.
   */
  traceMeta(): { scenario: string; file: string; name: string } {
    return { scenario: this.yaml(), file: this.source?.fileName ?? `${this.spec.name}.yaml`,
      name: this.spec.name };
  }

  /**
   * The view's levels over the run: replays it once and samples every node whose `timer`
   * fires, right after it does (a detector's phi at each check). Runs up to `maxEvents`.
   */
  sampleLevels(levels: NonNullable<ProtocolView['levels']>, maxEvents: number): LevelSample[] {
    const prepared = prepareRun(this.spec, { trace: 'memory' }, registry);
    const engine = prepared.engine;
    const world = engine as unknown as ViewWorld;
    const out: LevelSample[] = [];
    let seen = 0;
    while (engine.now <= this.spec.duration && engine.trace.length < maxEvents && engine.step()) {
      for (; seen < engine.trace.storedLength; seen++) {
        const r = engine.trace.record(seen);
        if (r.kind !== 'timer' || r.tag !== levels.timer || r.node === undefined) continue;
        for (const level of levels.sample(world, r.node)) {
          out.push({ ...level, t: r.t, monitor: r.node, peerDown: !engine.isUp(level.of) });
        }
      }
    }
    return out;
  }

  /** The scenario file of this run, added faults included. */
  yaml(): string {
    const note = this.added.length === 0 ? undefined
      : `${this.added.length} fault(s) added in the visualizer`;
    return toScenarioYaml(this.spec, {
      description: this.loaded.description,
      ...(this.loaded.narrative === undefined ? {} : { narrative: this.loaded.narrative }),
      ...(note === undefined ? {} : { comment: note }),
    });
  }
}

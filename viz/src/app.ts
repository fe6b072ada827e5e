/**
 * The visualizer's controller: picks what to show (a bundled scenario, a dropped scenario or
 * trace file, or a file named by the link), runs it, and keeps the views in step with the
 * current instant. It owns the address: the hash always says how to reproduce what is shown.
 */
import type { ScheduledFault } from '../../sim/index.js';
import { ScenarioError, type RunReport } from '../../runner/index.js';
import { causalPast, violationAnchor } from './model/causal.js';
import { clockNote } from './model/clockNote.js';
import { describeRecord, firstDivergence } from './model/diverge.js';
import { toJsonl, traceHash } from './model/traceWrite.js';
import { derive, type Derived } from './model/derive.js';
import { parseTraceFile } from './model/traceFile.js';
import type { TraceModel } from './model/traceModel.js';
import { catalogue, defaultKey, findEntry, loadText } from './run/catalogue.js';
import { parseSeed, Session } from './run/session.js';
import { runInWorker, TraceTooBig } from './run/workerClient.js';
import { readHash, writeHash } from './run/urlState.js';
import { el, setChildren } from './view/dom.js';
import { faultBar } from './view/faultBar.js';
import { renderInspector } from './view/inspector.js';
import { Player } from './view/player.js';
import { shell, type Shell } from './view/shell.js';
import { SpaceTime } from './view/spaceTime.js';
import { ClusterView } from './view/clusterView.js';
import { renderMetrics } from './view/metricsView.js';
import { formatTime } from './view/palette.js';

/** What is on screen. */
interface Shown {
  readonly model: TraceModel;
  readonly derived: Derived;
  readonly report?: RunReport;
  readonly session?: Session;
  readonly label: string;
  /** A trace file's hash, recomputed from its records (skipped for very large files). */
  readonly hash?: string;
}

/** Trace files up to this many records get their hash recomputed when opened. */
const HASHED_RECORDS = 200_000;


/** The application. */
export class App {
  private readonly ui: Shell;
  private shown: Shown | undefined;
  private diagram: SpaceTime | undefined;
  private cluster: ClusterView | undefined;
  private metricsAt: (t: number) => void = () => undefined;
  private readonly player: Player;
  private readonly faults: ReturnType<typeof faultBar>;
  private inspectTimer = 0;
  /** A run kept to compare the next runs with, and where the shown run leaves it. */
  private forked: Shown | undefined;
  private divergence = -1;
  /** The delivery or drop record of the message chosen on the diagram. */
  private chosen: number | undefined;
  /** Milliseconds spent fetching, parsing and deriving the last trace file. */
  private readonly timings: Record<string, number> = {};
  /** Where the last run ran. */
  private ranIn: 'worker' | 'page' | undefined;

  constructor(root: HTMLElement) {
    this.player = new Player((index, time, settled) => this.moved(index, time, settled));
    this.faults = faultBar({
      servers: () => this.shown?.model.lanes.slice(0, this.shown.model.servers) ?? [],
      instant: () => (this.shown?.session === undefined ? undefined
        : Math.min(Math.floor(this.player.now) + 1, this.shown.session.spec.duration)),
      added: () => this.shown?.session?.added ?? [],
      setAdded: (added) => this.rerun({ added }),
      selected: () => this.chosenMessage(),
    });
    this.ui = shell(root, catalogue, {
      choose: (key) => void this.openKey(key, undefined, []).catch((e: unknown) => this.fail(e)),
      reseed: (seed) => this.rerun({ seed }),
      openFile: (name, bytes) => this.openData(name, bytes),
      goToViolation: () => this.goToViolation(),
      zoom: (f) => this.diagram?.zoomBy(f),
      pan: (f) => this.diagram?.panBy(f),
      resetView: () => this.diagram?.reset(),
      downloadYaml: () => this.download('yaml'),
      downloadTrace: () => this.download('trace'),
      fork: () => this.fork(),
      unfork: () => {
        this.forked = undefined;
        this.compareFork();
      },
      goToDivergence: () => {
        if (this.divergence >= 0) this.player.seek(this.divergence);
      },
    }, this.player.root, this.faults.root);
    window.addEventListener('keydown', (e) => this.key(e));
  }

  /** Opens what the address says, or the default scenario. */
  async start(): Promise<void> {
    try {
      const state = readHash(location.hash);
      if (state.open !== undefined) return await this.openUrl(state.open);
      await this.openKey(state.scenario ?? defaultKey(), state.seed, state.faults);
    } catch (error) {
      this.fail(error);
    }
  }

  private async openUrl(path: string): Promise<void> {
    if (!/^[\w./-]+$/.test(path) || path.includes('..') || path.startsWith('/')) {
      throw new Error(`refusing to open ${JSON.stringify(path)}: only files the server offers`);
    }
    const start = performance.now();
    const response = await fetch(path);
    if (!response.ok) throw new Error(`could not fetch ${path}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.timings.fetch = performance.now() - start;
    this.openData(path.split('/').pop() ?? path, bytes, path);
  }

  private async openKey(key: string, seed: string | undefined,
    added: readonly ScheduledFault[]): Promise<void> {
    const entry = findEntry(key);
    if (entry === undefined) throw new Error(`no built-in scenario ${JSON.stringify(key)}`);
    this.ui.select.value = key;
    const fileName = `scenarios/${key}.yaml`;
    const loaded = loadText(entry.text, fileName);
    const session = new Session(key, loaded,
      seed === undefined ? loaded.spec.seed : parseSeed(seed),
      added, { text: entry.text, fileName });
    await this.runSession(session);
  }

  /** A dropped or chosen file: a trace (JSON Lines, starts with `{`) or a scenario (YAML). */
  private openData(name: string, bytes: Uint8Array, served?: string): void {
    try {
      if (firstNonSpace(bytes) === 0x7b) {
        const t0 = performance.now();
        const model = parseTraceFile(bytes);
        const t1 = performance.now();
        const derived = derive(model);
        this.timings.parse = t1 - t0;
        this.timings.derive = performance.now() - t1;
        this.show({ model, derived, label: `trace file ${name}`,
          ...(model.n <= HASHED_RECORDS ? { hash: traceHash(model) } : {}) });
        history.replaceState(null, '',
          served === undefined ? '#' : writeHash({ open: served, faults: [] }));
        return;
      }
      const text = new TextDecoder().decode(bytes);
      const loaded = loadText(text, name);
      void this.runSession(new Session(`file:${name}`, loaded, loaded.spec.seed, [],
        { text, fileName: name }));
    } catch (error) {
      this.fail(error);
    }
  }

  private rerun(change: { seed?: string; added?: readonly ScheduledFault[] }): void {
    const session = this.shown?.session;
    if (session === undefined) return;
    const after = session.spec.expect?.liveness?.after;
    if (after !== undefined && (change.added ?? []).some((f) => f.at > after)) {
      this.ui.announce(`This scenario's liveness phase starts at ${formatTime(after)}: the ` +
        'engine heals everything then and applies no later fault, so a fault added after it ' +
        'changes nothing.');
    }
    const seed = change.seed === undefined ? undefined : parseSeed(change.seed);
    void this.runSession(session.with({ ...(seed === undefined ? {} : { seed }),
      ...(change.added === undefined ? {} : { added: change.added }) }));
  }

  private async runSession(session: Session): Promise<void> {
    this.ui.progress(0);
    await new Promise((r) => setTimeout(r, 0)); // let the page paint "running…"
    try {
      const started = performance.now();
      const inWorker = session.source !== undefined && typeof Worker !== 'undefined';
      this.ranIn = inWorker ? 'worker' : 'page';
      const outcome = inWorker && session.source !== undefined
        ? await runInWorker(session, session.source.text, session.source.fileName,
          (fraction, events) => this.ui.progress(fraction, events)).catch((error: unknown) => {
          if (!(error instanceof TraceTooBig)) throw error;
          this.ranIn = 'page'; // a trace too big to send back: run it here, from records
          return session.run();
        })
        : session.run();
      this.timings.run = performance.now() - started;
      this.show({ ...outcome, session, label: session.key });
      if (!session.key.startsWith('file:')) {
        history.replaceState(null, '', writeHash({ scenario: session.key,
          seed: String(session.seed), faults: session.added }));
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.ui.progress(undefined);
    }
  }

  private show(shown: Shown): void {
    this.shown = shown;
    this.chosen = undefined;
    this.ui.clearError();
    if (this.diagram === undefined) {
      this.diagram = new SpaceTime(this.ui.diagram, shown.model, shown.derived, {
        onCursor: (t) => this.player.seekTime(t),
        onViolation: () => this.goToViolation(),
        onMessage: (end) => this.chooseMessage(end),
      });
    } else this.diagram.setTrace(shown.model, shown.derived);
    if (this.cluster === undefined) {
      this.cluster = new ClusterView(this.ui.cluster, shown.model, shown.derived);
    } else this.cluster.setTrace(shown.model, shown.derived);
    this.diagram.setLaneNotes(clockNotes(shown));
    this.compareFork();
    // Charts come after the diagram's first frame: they are not what a person looks at first.
    this.metricsAt = () => undefined;
    requestAnimationFrame(() => setTimeout(() => {
      if (this.shown !== shown) return;
      this.metricsAt = renderMetrics(this.ui.metrics, shown.model, shown.derived, shown.report);
      this.metricsAt(this.player.now);
    }, 0));
    this.ui.describe(shown.session?.loaded, shown.session?.seed);
    const key = shown.session?.key;
    this.ui.select.value = key === undefined || key.startsWith('file:') ? '' : key;
    this.ui.status(shown.model, shown.derived, shown.report, shown.label, shown.hash);
    this.player.setModel(shown.model);
    this.faults.refresh();
    this.ui.enableRunControls(shown.session !== undefined);
  }

  private fork(): void {
    if (this.shown?.session === undefined) return;
    this.forked = this.shown;
    this.compareFork();
  }

  /** Marks where the shown run first differs from the fork, and says what differs. */
  private compareFork(): void {
    const f = this.forked;
    const s = this.shown;
    this.divergence = -1;
    this.diagram?.setMarker(undefined);
    if (f === undefined || s === undefined) return this.ui.forkInfo(undefined, false);
    const hash = f.report?.result.hash ?? '';
    if (f === s) {
      return this.ui.forkInfo(`Forked at this run (hash ${hash}). Change a fault: the next run ` +
        'is compared with this one.', false);
    }
    const i = firstDivergence(f.model, s.model);
    if (i < 0) return this.ui.forkInfo(`Identical to the fork (hash ${hash}).`, false);
    this.divergence = Math.min(i, s.model.n - 1);
    const t = s.model.t[this.divergence] as number;
    this.diagram?.setMarker({ time: t, label: `diverges from the fork at #${i}` });
    this.ui.forkInfo(`The runs first diverge at event #${i}, t = ${formatTime(t)}: the fork had ` +
      `${describeRecord(f.model, i)}, this run has ${describeRecord(s.model, i)}.`, true);
  }

  /**
   * The fault that drops the chosen message: a `drop` of its id at its send. The message is
   * sent as before and lost in flight, so the run is the same up to its arrival.
   */
  private chosenMessage(): { label: string; faults: ScheduledFault[] } | undefined {
    const s = this.shown;
    const end = this.chosen;
    if (s?.session === undefined || end === undefined) return undefined;
    const message = s.model.mid[end] as number;
    const send = s.derived.sendOf.get(message);
    if (send === undefined) return undefined;
    const from = s.model.lanes[s.model.node[send] as number] as string;
    const to = s.model.lanes[s.model.node[end] as number] as string;
    const at = s.model.t[send] as number;
    const tag = s.model.tags[send] ?? 'message';
    return { label: `${tag} ${from} → ${to} sent at ${formatTime(at)}`,
      faults: [{ at, fault: { kind: 'drop', message } }] };
  }

  private moved(index: number, time: number, settled: boolean): void {
    this.diagram?.setCursor(time);
    this.cluster?.update(time);
    this.metricsAt(time);
    window.clearTimeout(this.inspectTimer);
    this.inspectTimer = window.setTimeout(() => this.inspect(index), settled ? 0 : 150);
  }

  private inspect(index: number): void {
    const s = this.shown;
    if (s === undefined) return;
    try {
      renderInspector(this.ui.inspector, s.model, s.derived, index, s.session);
    } catch (error) {
      setChildren(this.ui.inspector, el('p', { class: 'error',
        text: `The inspector failed: ${(error as Error).message}` }));
    }
  }

  /** Jumps to the violation and highlights its causal past. */
  goToViolation(): void {
    const s = this.shown;
    if (s === undefined || s.derived.violation < 0 || this.diagram === undefined) return;
    const v = s.derived.violation;
    const anchor = violationAnchor(s.model, v);
    this.diagram.setHighlight(causalPast(s.model, s.derived, anchor));
    const t = s.model.t[v] as number;
    const span = Math.max(s.model.end / 10, 1_000);
    this.diagram.showWindow(Math.max(0, t - span * 0.8), t + span * 0.2);
    this.player.seek(v);
    this.ui.announce(`Jumped to the violation at event #${v}; its causal past is highlighted.`);
  }

  private download(what: 'yaml' | 'trace'): void {
    const s = this.shown;
    if (s?.session === undefined) return;
    const text = what === 'yaml' ? s.session.yaml() : toJsonl(s.model);
    const blob = new Blob([text], { type: what === 'yaml' ? 'text/yaml' : 'application/x-ndjson' });
    const a = el('a', { attrs: { href: URL.createObjectURL(blob),
      download: `${s.session.spec.name}${what === 'yaml' ? '.yaml' : '.trace.jsonl'}` } });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1_000);
  }

  private key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    const typing = ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'];
    if (target !== null && typing.includes(target.tagName)) return;
    if (e.key === ' ') this.player.toggle();
    else if (e.key === 'ArrowRight') this.player.step(1);
    else if (e.key === 'ArrowLeft') this.player.step(-1);
    else if (e.key === '+' || e.key === '=') this.diagram?.zoomBy(2);
    else if (e.key === '-') this.diagram?.zoomBy(0.5);
    else return;
    e.preventDefault();
  }

  private fail(error: unknown): void {
    const text = error instanceof ScenarioError ? `This scenario has problems:\n${error.message}`
      : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.ui.error(text);
  }

  /** State for tests and the benchmark (read-only). */
  probe(): Record<string, unknown> {
    const s = this.shown;
    return { label: s?.label, events: s?.model.n, hash: s?.report?.result.hash ?? s?.hash,
      violation: s?.derived.violation, instant: this.player.index,
      arrows: s?.derived.arrowSend.length, roles: s?.derived.roles.length,
      frames: this.diagram?.frames,
      frameMs: this.diagram?.lastFrameMs, firstFrameAt: this.diagram?.firstFrameAt,
      timings: { ...this.timings }, ranIn: this.ranIn, divergence: this.divergence,
      window: this.diagram?.window,
      added: s?.session?.added.length ?? 0 };
  }

  /** Chooses the message whose delivery or drop is record `end` (as a click on its arrow). */
  chooseMessage(end: number): void {
    this.chosen = end;
    this.faults.refresh();
  }

  /** Index of the delivery record of the `k`-th arrow, for tests. */
  arrowEnd(k: number): number | undefined {
    return this.shown?.derived.arrowEnd[k];
  }

  /** Draws the diagram now and returns how long it took (benchmark). */
  drawNow(): number {
    this.diagram?.draw();
    return this.diagram?.lastFrameMs ?? NaN;
  }

  get view(): SpaceTime | undefined {
    return this.diagram;
  }
}

/** For each lane, its local clock when it is off true time, clock faults included (runs only). */
function clockNotes(shown: Shown): (string | undefined)[] {
  const spec = shown.session?.spec;
  if (spec === undefined) return shown.model.lanes.map(() => undefined);
  return shown.model.lanes.map((id) =>
    clockNote(spec.clocks?.[id], spec.faults, id, shown.model.end));
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

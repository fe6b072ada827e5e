/**
 * The visualizer's controller: picks what to show (a bundled scenario, a scenario or trace
 * file, or what the address names), runs it, and keeps the views in step with the current
 * instant. It owns the address: the hash always says how to reproduce what is shown. What is
 * drawn for a trace (its scene, story and panels) is built by display.ts; comparing runs is
 * in compare.ts.
 */
import type { ScheduledFault } from '../../sim/index.js';
import { ScenarioError } from '../../runner/index.js';
import { toJsonl } from './model/traceWrite.js';
import { catalogue, comparisonHref, defaultKey, findEntry, loadText } from './run/catalogue.js';
import { dropEarly } from './run/early.js';
import { parseSeed, Session } from './run/session.js';
import { openInWorker, runInWorker, TraceTooBig } from './run/workerClient.js';
import { isTracePath, readHash, type RunRef, servable, writeHash } from './run/urlState.js';
import { Compare } from './compare.js';
import { Display, type Shown } from './display.js';
import { el } from './view/dom.js';
import { faultBar } from './view/faultBar.js';
import { type Action, bindKeys } from './view/keyboard.js';
import { Player } from './view/player.js';
import { shell, type Shell } from './view/shell.js';
import { MAX_REPLAYED_EVENTS } from './view/inspector.js';
import { formatTime } from './view/palette.js';

/** The application. */
export class App {
  readonly ui: Shell;
  readonly player: Player;
  readonly display: Display;
  readonly compare: Compare;
  private readonly faults: ReturnType<typeof faultBar>;
  /** The delivery or drop record of the message chosen on the diagram. */
  private chosen: number | undefined;
  /** Milliseconds spent fetching, reading and deriving the last trace file. */
  readonly timings: Record<string, number> = {};
  /** Where the last run ran. */
  ranIn: 'worker' | 'page' | undefined;
  /** Runs started; a run's result is shown only if no later one started. */
  private generation = 0;

  constructor(root: HTMLElement) {
    this.player = new Player((index, time, settled, playing) =>
      this.display.moved(index, time, settled, playing));
    this.faults = faultBar({
      servers: () => this.shown?.model.lanes.slice(0, this.shown.model.servers) ?? [],
      instant: () => this.instant(),
      added: () => this.shown?.session?.added ?? [],
      setAdded: (added) => this.rerun({ added }),
      selected: () => this.chosenMessage(),
    });
    this.ui = shell(root, catalogue, {
      choose: (key) => this.load(this.openKey(key, undefined, [])),
      reseed: (seed) => this.rerun({ seed }),
      openFile: (file) => this.load(this.openFile(file)),
      goToViolation: () => this.display.goToViolation(),
      zoom: (f) => this.display.diagram?.zoomBy(f),
      pan: (f) => this.display.diagram?.panBy(f),
      resetView: () => this.display.diagram?.reset(),
      share: () => void this.share(),
      downloadYaml: () => this.download('yaml'),
      downloadTrace: () => this.download('trace'),
      fork: () => this.compare.keep(),
      unfork: () => this.compare.stop(),
      goToDivergence: () => this.compare.goToDivergence(),
      openDefault: () => this.load(this.openKey(defaultKey(), undefined, [])),
    }, this.player.root, this.faults.root);
    this.display = new Display(this.ui, this.player, {
      stepShown: () => void this.writeAddress(),
      chooseMessage: (end) => this.chooseMessage(end),
    });
    this.compare = new Compare(this.ui, this.display, this.player,
      () => void this.writeAddress());
    bindKeys((action) => this.key(action));
  }

  get shown(): Shown | undefined {
    return this.display.shown;
  }

  /** Opens what the address says, or the default scenario. A bad link leaves a clear error. */
  async start(): Promise<void> {
    try {
      const state = await readHash(location.hash);
      if (state.fork !== undefined) await this.compare.restore(await this.sessionOf(state.fork));
      if (state.open !== undefined) await this.openUrl(state.open);
      else if (state.scenario !== undefined || state.text !== undefined) {
        await this.runSession(await this.sessionOf(state));
      } else await this.openKey(defaultKey(), undefined, []);
      if (state.step !== undefined) this.display.story.go(state.step - 1);
    } catch (error) {
      dropEarly();
      this.fail(error, true);
    }
  }

  private load(work: Promise<void>): void {
    void work.catch((e: unknown) => this.fail(e));
  }

  /** A session for a run reference (a bundled key or a scenario's text). */
  private async sessionOf(ref: RunRef): Promise<Session> {
    const seed = ref.seed === undefined ? undefined : parseSeed(ref.seed);
    if (ref.text !== undefined) {
      const name = ref.name ?? 'scenario.yaml';
      const loaded = loadText(ref.text, name);
      return new Session(`file:${name}`, loaded, seed ?? loaded.spec.seed, ref.faults,
        { text: ref.text, fileName: name });
    }
    const key = ref.scenario ?? defaultKey();
    const entry = findEntry(key);
    if (entry === undefined) throw new Error(`the link names no built-in scenario ${JSON.stringify(key)}`);
    if (entry.comparison) {
      throw new Error(`${key} compares designs: open it on the comparison page, ` +
        comparisonHref(key));
    }
    const fileName = `scenarios/${key}.yaml`;
    const loaded = loadText(entry.text, fileName);
    return new Session(key, loaded, seed ?? loaded.spec.seed, ref.faults,
      { text: entry.text, fileName });
  }

  private async openUrl(path: string): Promise<void> {
    if (!servable(path)) {
      throw new Error(`refusing to open ${JSON.stringify(path)}: only files the server offers`);
    }
    const name = path.split('/').pop() ?? path;
    // The worker resolves a relative address against its own script: give it the page's.
    if (isTracePath(path)) {
      return this.openTrace({ url: new URL(path, location.href).href }, name, path);
    }
    const response = await fetch(path);
    if (!response.ok) throw new Error(`could not fetch ${path}: HTTP ${response.status}`);
    const text = await response.text();
    await this.runSession(await this.sessionOf({ text, name, faults: [] }));
  }

  private async openKey(key: string, seed: string | undefined,
    added: readonly ScheduledFault[]): Promise<void> {
    await this.runSession(await this.sessionOf({ scenario: key, faults: added,
      ...(seed === undefined ? {} : { seed }) }));
  }

  /** A dropped or chosen file: a trace (JSON Lines) or a scenario (YAML). */
  private async openFile(file: File): Promise<void> {
    const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
    const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
    if (first === 0x7b) return this.openTrace({ file }, file.name);
    const text = await file.text();
    await this.runSession(await this.sessionOf({ text, name: file.name, faults: [] }));
  }

  /** Opens a trace file in the trace worker; its embedded scenario, if any, describes it. */
  private async openTrace(request: { url: string } | { file: Blob }, name: string,
    served?: string): Promise<void> {
    const generation = ++this.generation;
    this.ui.progress(0);
    try {
      const opened = await openInWorker(request);
      if (generation !== this.generation) return;
      Object.assign(this.timings, opened.timings);
      // A trace too long to replay keeps its scenario's words, not a session to rerun it.
      const embedded = this.embedded(opened.model.info.meta?.scenario, name);
      const rerun = embedded !== undefined && opened.model.n <= MAX_REPLAYED_EVENTS &&
        opened.hash !== undefined;
      this.display.show({ model: opened.model, derived: opened.derived, label: `trace file ${name}`,
        ...(opened.hash === undefined ? {} : { hash: opened.hash }),
        ...(embedded === undefined ? {} : { loaded: embedded.loaded, carried: embedded.text,
          ...(rerun ? { embedded: embedded.session } : {}) }),
        ...(served === undefined ? {} : { served }) });
      this.afterShow();
      if (rerun) void this.verifyEmbedded(generation);
    } finally {
      this.ui.progress(undefined);
    }
  }

  /**
   * Reruns a trace's embedded scenario and compares trace hashes: only a scenario that
   * reproduces the trace may draw its nodes' state. Traces too long to replay are left alone.
   */
  private async verifyEmbedded(generation: number): Promise<void> {
    const shown = this.shown;
    const session = shown?.embedded;
    if (shown === undefined || session === undefined) return;
    const outcome = await runInWorker(session, session.source?.text ?? '',
      session.source?.fileName ?? 'embedded.yaml', () => undefined).catch(() => undefined);
    if (generation !== this.generation || this.shown !== shown) return;
    if (outcome?.report.result.hash === shown.hash) {
      this.ui.announce(`The scenario this trace carries reproduces it (trace hash ${shown.hash}).`);
      return;
    }
    this.display.show({ ...shown, embedded: undefined });
    this.ui.announce('The scenario this trace carries does not reproduce it ' +
      `(it gives trace hash ${outcome?.report.result.hash ?? 'nothing'}, the file ${shown.hash}).`);
  }

  /** The scenario a trace file carries, loaded, with a session that would rerun it. */
  private embedded(text: string | undefined, name: string): { loaded: Session['loaded'];
    session: Session; text: string } | undefined {
    if (text === undefined) return undefined;
    try {
      const loaded = loadText(text, `${name} (its scenario)`);
      return { loaded, text, session: new Session(`file:${name}`, loaded, loaded.spec.seed, [],
        { text, fileName: `${name}.yaml` }) };
    } catch (error) {
      this.ui.announce(`This trace carries a scenario that does not load: ${(error as Error).message}`);
      return undefined;
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
    this.load(this.runSession(session.with({ ...(seed === undefined ? {} : { seed }),
      ...(change.added === undefined ? {} : { added: change.added }) })));
  }

  /** Runs a session (in a worker) and shows it. */
  async runSession(session: Session): Promise<void> {
    const generation = ++this.generation;
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
      if (generation !== this.generation) return;
      this.timings.run = performance.now() - started;
      this.display.show({ ...outcome, session, loaded: session.loaded,
        label: session.key.startsWith('file:') ? session.key.slice(5) : session.key });
      this.afterShow();
    } finally {
      this.ui.progress(undefined);
    }
  }

  private afterShow(): void {
    this.chosen = undefined;
    this.faults.refresh();
    this.ui.enableRunControls(this.shown?.session !== undefined);
    this.compare.refresh();
    void this.writeAddress();
  }

  /** The run as a reference for the address. */
  private refOf(shown: Shown | undefined): RunRef | undefined {
    const session = shown?.session;
    if (session === undefined) return undefined;
    const seed = String(session.seed);
    if (!session.key.startsWith('file:')) {
      return { scenario: session.key, seed, faults: session.added };
    }
    return { text: session.source?.text ?? session.yaml(), name: session.source?.fileName ?? '',
      seed, faults: session.added };
  }

  /** Writes the address so that it reproduces what is shown. */
  private async writeAddress(): Promise<void> {
    const shown = this.shown;
    const ref = this.refOf(shown);
    const fork = this.refOf(this.compare.kept);
    const step = this.display.story.current;
    const hash = await writeHash({ ...(ref ?? { faults: [] }),
      ...(ref === undefined && shown?.served !== undefined ? { open: shown.served } : {}),
      ...(fork === undefined ? {} : { fork }),
      ...(step < 0 ? {} : { step: step + 1 }) });
    if (shown === this.shown) history.replaceState(null, '', hash);
  }

  private async share(): Promise<void> {
    await this.writeAddress();
    try {
      await navigator.clipboard.writeText(location.href);
      this.ui.announce('The link is copied: it reproduces this run, added faults included.');
    } catch {
      this.ui.announce(`The address reproduces this run: ${location.href}`);
    }
  }

  private instant(): number | undefined {
    const s = this.shown;
    return s?.session === undefined ? undefined
      : Math.min(Math.floor(this.player.now) + 1, s.session.spec.duration);
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
    const tag = s.model.tag(send) ?? 'message';
    return { label: `${tag} ${from} → ${to} sent at ${formatTime(at)}`,
      faults: [{ at, fault: { kind: 'drop', message } }] };
  }

  private download(what: 'yaml' | 'trace'): void {
    const s = this.shown;
    if (s?.session === undefined) return;
    const text = what === 'yaml' ? s.session.yaml() : toJsonl(s.model, s.session.traceMeta());
    const blob = new Blob([text], { type: what === 'yaml' ? 'text/yaml' : 'application/x-ndjson' });
    const a = el('a', { attrs: { href: URL.createObjectURL(blob),
      download: `${s.session.spec.name}${what === 'yaml' ? '.yaml' : '.trace.jsonl'}` } });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1_000);
  }

  private key(action: Action): void {
    const p = this.player;
    const d = this.display;
    const actions: Record<Action, () => void> = {
      play: () => p.toggle(), step: () => p.step(1), back: () => p.step(-1),
      step10: () => p.step(10), back10: () => p.step(-10), start: () => p.seek(-1),
      end: () => p.toEnd(), next: () => d.story.next(), previous: () => d.story.previous(),
      zoomIn: () => d.diagram?.zoomBy(2), zoomOut: () => d.diagram?.zoomBy(0.5),
      whole: () => d.diagram?.reset(), violation: () => d.goToViolation(),
      divergence: () => this.compare.goToDivergence(), future: () => d.toggleFuture(),
      help: () => this.ui.toggleHelp(),
    };
    actions[action]();
  }

  private fail(error: unknown, offerDefault = false): void {
    const text = error instanceof ScenarioError ? `This scenario has problems:\n${error.message}`
      : error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
        : String(error);
    this.ui.error(offerDefault ? `This link cannot be opened: ${text}` : text, offerDefault);
  }

  /**
   * A one-line account of what is shown, from the run itself: the README's screenshot
   * captions are these, and a test recomputes them from runs in Node.
   */
  caption(): string {
    const s = this.shown;
    if (s === undefined) return '';
    const kept = this.compare.kept;
    if (kept !== undefined && kept !== s) {
      const i = this.compare.divergence;
      return `${kept.label} kept, ${s.label} shown: they first differ at event #${i}, ` +
        `t = ${formatTime(s.model.t[i] ?? 0)}`;
    }
    const d = s.derived;
    if (d.violation < 0) {
      return `${s.label}: ${s.model.n} events over ${formatTime(s.model.end)}, trace hash ${
        s.report?.result.hash ?? s.hash ?? ''}`;
    }
    const evidence = d.evidence.map((e, k) => `${k + 1}. ${e.label} (${formatTime(e.time)})`);
    return `${s.label}: ${d.violationName} is violated at ${formatTime(s.model.t[d.violation] ?? 0)
    }. Evidence: ${evidence.join('; ')}`;
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

  /** State for tests and the benchmark (read-only). */
  probe(): Record<string, unknown> {
    const s = this.shown;
    const v = this.display.diagram;
    return { label: s?.label, events: s?.model.n, hash: s?.report?.result.hash ?? s?.hash,
      violation: s?.derived.violation, instant: this.player.index,
      arrows: s?.derived.arrowSend.length, roles: s?.derived.roles.length,
      evidence: s?.derived.evidence.length ?? 0, frames: v?.frames, frameMs: v?.lastFrameMs,
      firstFrameAt: v?.firstFrameAt, timings: { ...this.timings }, ranIn: this.ranIn,
      divergence: this.compare.divergence, window: v?.window, added: s?.session?.added.length ?? 0,
      story: { step: this.display.story.current, steps: this.display.story.steps.length },
      choices: this.display.choicesProbe(), comparing: this.compare.kept !== undefined,
      embedded: s?.embedded !== undefined, loadedFrom: s?.loaded === undefined ? undefined
        : 'scenario' };
  }

  /** Draws the diagram now and returns how long it took (benchmark). */
  drawNow(): number {
    this.display.diagram?.draw();
    return this.display.diagram?.lastFrameMs ?? NaN;
  }

  get view(): ReturnType<Display['diagramOrThrow']> | undefined {
    return this.display.diagram;
  }
}

/**
 * What is on screen for one trace, and how it follows the current instant: the diagram (with
 * the protocol's words, its bands and marks, the evidence), the cluster, the story, the
 * violation panel, the legend with its filters, each node's state, the levels and the metrics.
 * It moves the instant for the story's steps, the violation and its evidence, framing what
 * each shows, and hides the future when a story is told.
 */
import type { LoadedScenario, RunReport } from '../../runner/index.js';
import type { ProtocolView } from '../../protocols/view.js';
import { Analysis } from './model/analysis.js';
import { causalPast, violationAnchor } from './model/causal.js';
import { clockNote } from './model/clockNote.js';
import type { Derived } from './model/derive.js';
import { resolveNarrative, type Step } from './model/narrative.js';
import type { TraceModel } from './model/traceModel.js';
import { registry } from './run/catalogue.js';
import type { Session } from './run/session.js';
import { ClusterView } from './view/clusterView.js';
import { el, setChildren } from './view/dom.js';
import { renderInspector } from './view/inspector.js';
import { legend } from './view/legend.js';
import { renderLevels } from './view/levelsChart.js';
import { renderMetrics } from './view/metricsView.js';
import type { Player } from './view/player.js';
import { type Choices, makeScene, type Scene, SHOW_ALL } from './view/scene.js';
import type { Shell } from './view/shell.js';
import { SpaceTime } from './view/spaceTime.js';
import { StoryPanel } from './view/storyPanel.js';
import { renderViolation } from './view/violationPanel.js';

/** Jumps are framed with this share of the window before and after what they show. */
const MARGIN = 0.08;
/** Runs up to this many events get their levels sampled (a replay of the whole run). */
const MAX_SAMPLED_EVENTS = 200_000;
/** Above this many events a story's facts are built in slices after the first frame. */
const EAGER_FACTS = 200_000;
/**
 * Records read per slice of the fact book, and the main-thread time one turn may take: short,
 * because a garbage collection of the trace's heap (tens of milliseconds) can land in any
 * turn, and a turn and a collection together should stay under a long task's 50 ms.
 */
const FACT_SLICE = 500;
const SLICE_MS = 8;

/** What is shown. */
export interface Shown {
  readonly model: TraceModel;
  readonly derived: Derived;
  readonly report?: RunReport;
  readonly session?: Session;
  readonly label: string;
  /** A trace file's hash, recomputed from its records. */
  readonly hash?: string;
  /** The scenario: the run's, or the one a trace file carries. */
  readonly loaded?: LoadedScenario;
  /** A session that reruns a trace file from its embedded scenario (once it is known to). */
  readonly embedded?: Session | undefined;
  /** The scenario text a trace file carries. */
  readonly carried?: string;
  /** The path a trace file was served from. */
  readonly served?: string;
}

/** What the display asks of the app. */
export interface DisplayHost {
  stepShown(): void;
  chooseMessage(end: number): void;
}

/** The views of one trace. */
export class Display {
  shown: Shown | undefined;
  diagram: SpaceTime | undefined;
  readonly story: StoryPanel;
  private cluster: ClusterView | undefined;
  private scene: Scene | undefined;
  private choices: Choices = SHOW_ALL;
  private metricsAt: (t: number) => void = () => undefined;
  private levelsAt: (t: number) => void = () => undefined;
  private inspectTimer = 0;
  /** Listeners of the instant (the compared diagram). */
  readonly followers: ((index: number, time: number) => void)[] = [];

  constructor(private readonly ui: Shell, private readonly player: Player,
    private readonly host: DisplayHost) {
    this.story = new StoryPanel({ step: (s) => this.showStep(s), claim: (c) => {
      if (c.at !== undefined) this.goTo(c.at);
    } });
    ui.story.append(this.story.root);
  }

  /** The diagram, which exists once a trace was shown. */
  diagramOrThrow(): SpaceTime {
    if (this.diagram === undefined) throw new Error('nothing is shown yet');
    return this.diagram;
  }

  /** The protocol view and parsed parameters of what is shown, when its scenario is known. */
  private viewOf(shown: Shown): { view: ProtocolView | undefined; params: unknown } {
    const spec = shown.session?.spec ?? shown.loaded?.spec;
    const protocol = spec === undefined ? undefined : registry[spec.protocol];
    const parsed = protocol?.params.safeParse(spec?.params ?? {});
    return { view: protocol?.view, params: parsed?.success === true ? parsed.data : undefined };
  }

  /** Shows a trace. */
  show(shown: Shown): void {
    this.shown = shown;
    this.ui.clearError();
    const { view, params } = this.viewOf(shown);
    const analysis = new Analysis(shown.model, shown.derived, view, params);
    const spec = shown.session?.spec ?? shown.loaded?.spec;
    const notes = shown.model.lanes.map((id) =>
      spec === undefined ? undefined : clockNote(spec.clocks?.[id], spec.faults, id, shown.model.end));
    const scene = makeScene(shown.model, shown.derived, view, analysis.timeline, notes, params);
    this.scene = scene;
    this.choices = { ...this.choices, hidden: new Set() };
    if (this.diagram === undefined) {
      this.diagram = new SpaceTime(this.ui.diagram, scene, {
        onCursor: (t) => this.player.seekTime(t),
        onViolation: () => this.goToViolation(),
        onEvidence: (k) => this.goToEvidence(k),
        onMessage: (end) => this.host.chooseMessage(end),
      });
    } else this.diagram.setScene(scene);
    this.diagram.setChoices(this.choices);
    if (this.cluster === undefined) this.cluster = new ClusterView(this.ui.cluster, scene);
    else this.cluster.setScene(scene);
    this.renderLegend();
    this.describe(shown);
    this.renderViolationPanel();
    this.tellStory(shown, analysis);
    this.ui.status(shown.model, shown.derived, shown.report, shown.label, shown.hash);
    const key = shown.session?.key;
    this.ui.select.value = key === undefined || key.startsWith('file:') ? '' : key;
    this.player.setModel(shown.model);
    this.deferCharts(shown);
  }

  /**
   * The story resolved on the trace. Only a stepped one needs the facts; on a long trace they
   * are built after the first frame, a slice at a time between frames, so the page stays
   * responsive while the claims are checked.
   */
  private tellStory(shown: Shown, analysis: Analysis): void {
    const narrative = shown.loaded?.narrative;
    if (typeof narrative !== 'object') {
      this.story.setNarrative({ intro: narrative ?? '', steps: [] });
      return;
    }
    if (shown.model.n <= EAGER_FACTS) {
      this.story.setNarrative(resolveNarrative(narrative, shown.model, analysis.book));
      return;
    }
    this.story.setPending(narrative.intro ?? '');
    const steps = analysis.buildBook(FACT_SLICE);
    const slice = (): void => {
      if (this.shown !== shown) return;
      const until = performance.now() + SLICE_MS;
      let r = steps.next();
      while (r.done !== true && performance.now() < until) r = steps.next();
      if (r.done !== true) {
        setTimeout(slice, 0);
        return;
      }
      this.story.setNarrative(resolveNarrative(narrative, shown.model, r.value));
    };
    requestAnimationFrame(() => setTimeout(slice, 0));
  }

  private describe(shown: Shown): void {
    const source = shown.session !== undefined
      ? `${shown.label}: run in this page from its scenario${shown.session.added.length > 0
        ? `, with ${shown.session.added.length} fault(s) added here` : ''}.`
      : shown.carried === undefined ? `${shown.label}: a trace without its scenario.`
        : shown.embedded !== undefined ? `${shown.label}: the trace carries its scenario (below).`
          : `${shown.label}: the trace carries a scenario (below) that does not reproduce it.`;
    this.ui.describe(shown.loaded, shown.session?.seed ?? shown.loaded?.spec.seed, source);
    const text = shown.carried;
    if (text !== undefined) {
      this.ui.about.append(el('details', { class: 'embedded', attrs: { id: 'embedded' } },
        el('summary', { text: 'The scenario this trace carries' }), el('pre', { text })));
    }
  }

  /** Charts and levels come after the first frame: not what a person looks at first. */
  private deferCharts(shown: Shown): void {
    this.metricsAt = () => undefined;
    this.levelsAt = () => undefined;
    setChildren(this.ui.levels);
    requestAnimationFrame(() => setTimeout(() => {
      if (this.shown !== shown) return;
      this.metricsAt = renderMetrics(this.ui.metrics, shown.model, shown.derived, shown.report);
      this.metricsAt(this.player.now);
      const levels = this.viewOf(shown).view?.levels;
      const session = shown.session ?? shown.embedded;
      if (levels !== undefined && session !== undefined && shown.model.n <= MAX_SAMPLED_EVENTS) {
        this.levelsAt = renderLevels(this.ui.levels, levels.title,
          session.sampleLevels(levels, shown.model.n + 1), shown.model.end);
        this.levelsAt(this.player.now);
      }
    }, 0));
  }

  private renderLegend(): void {
    const scene = this.scene;
    if (scene === undefined) return;
    setChildren(this.ui.legend, legend(scene, this.choices, (c) => this.setChoices(c)),
      this.futureToggle());
  }

  private futureToggle(): HTMLElement {
    const box = el('input', { attrs: { type: 'checkbox', id: 'show-future' } });
    box.checked = this.choices.future;
    box.addEventListener('change', () => this.setChoices({ ...this.choices, future: box.checked }));
    return el('label', { class: 'future' }, box,
      ' draw what happens after the current instant (F)');
  }

  private setChoices(choices: Choices): void {
    this.choices = choices;
    this.diagram?.setChoices(choices);
    this.renderLegend();
  }

  /** Shows or hides the future. */
  toggleFuture(): void {
    this.setChoices({ ...this.choices, future: !this.choices.future });
  }

  choicesProbe(): Record<string, unknown> {
    return { hidden: [...this.choices.hidden], timers: this.choices.timers,
      notes: this.choices.notes, future: this.choices.future };
  }

  private renderViolationPanel(): void {
    const s = this.shown;
    if (s === undefined) return;
    const v = s.derived.violation < 0 ? undefined : {
      name: s.derived.violationName,
      explanation: s.report?.violation?.explanation ?? this.violationText(s),
      evidence: s.derived.evidence,
      expected: s.report?.passed === true,
    };
    renderViolation(this.ui.violation, v, (k) => this.goToEvidence(k), () => this.goToViolation());
  }

  private violationText(s: Shown): string {
    const data = s.model.record(s.derived.violation).data as { explanation?: unknown } | undefined;
    return typeof data?.explanation === 'string' ? data.explanation : '';
  }

  /** The instant moved: every view follows. */
  moved(index: number, time: number, settled: boolean, playing: boolean): void {
    this.diagram?.setCursor(time, index, playing);
    this.cluster?.update(time, index);
    this.metricsAt(time);
    this.levelsAt(time);
    for (const f of this.followers) f(index, time);
    window.clearTimeout(this.inspectTimer);
    this.inspectTimer = window.setTimeout(() => this.inspect(index), settled ? 0 : 150);
  }

  private inspect(index: number): void {
    const s = this.shown;
    const scene = this.scene;
    if (s === undefined || scene === undefined) return;
    try {
      const session = s.session ?? s.embedded;
      renderInspector(this.ui.inspector, { scene, index, session,
        view: this.viewOf(s).view });
    } catch (error) {
      setChildren(this.ui.inspector, el('p', { class: 'error',
        text: `The inspector failed: ${(error as Error).message}` }));
    }
  }

  /** Shows [t0, t1] with a margin on each side. */
  frame(t0: number, t1: number): void {
    const span = Math.max(t1 - t0, 2_000);
    this.diagram?.showWindow(Math.max(0, t0 - span * MARGIN), t1 + span * MARGIN);
  }

  /** Goes to record `index`, framing the stretch around it. */
  goTo(index: number): void {
    const s = this.shown;
    if (s === undefined) return;
    const t = index < 0 ? 0 : s.model.t[index] as number;
    const [a, b] = this.diagram?.window ?? [0, s.model.end];
    if (t < a || t > b) this.frame(t - (b - a) / 2, t + (b - a) / 2);
    this.player.seek(index);
  }

  /**
   * Goes to the violation: frames everything from its first piece of evidence to it,
   * highlights its causal past and, for a linearizability violation, dims every client
   * operation outside the checker's minimal set.
   */
  goToViolation(): void {
    const s = this.shown;
    if (s === undefined || s.derived.violation < 0 || this.diagram === undefined) return;
    const v = s.derived.violation;
    const t = s.model.t[v] as number;
    const first = Math.min(t, ...s.derived.evidence.map((e) => e.from?.time ?? e.time));
    this.diagram.setHighlight(causalPast(s.model, s.derived, violationAnchor(s.model, v)));
    const ops = s.derived.evidence.filter((e) => e.from !== undefined || s.model.kindOf(e.index) === 'invoke')
      .map((e) => e.from?.index ?? e.index);
    this.diagram.setFocusOps(ops.length === 0 ? null : new Set(ops));
    this.frame(first, t);
    this.player.seek(v);
    this.ui.announce(`The violation at event #${v}, framed from its first piece of evidence; ` +
      'its causal past is highlighted.');
  }

  /** Goes to evidence `k`. */
  goToEvidence(k: number): void {
    const e = this.shown?.derived.evidence[k];
    if (e === undefined) return;
    if (e.from !== undefined) this.frame(e.from.time, e.time);
    this.goTo(e.index);
    this.ui.announce(`Evidence ${k + 1}: ${e.label}.`);
  }

  /** Shows a step of the story: its instant, what led there, and no further. */
  private showStep(step: Step): void {
    const s = this.shown;
    if (s === undefined) return;
    const from = step.since < 0 ? 0 : s.model.t[step.since] as number;
    this.setChoices({ ...this.choices, future: false });
    this.frame(from, step.time);
    this.player.seek(step.index);
    this.host.stepShown();
  }
}

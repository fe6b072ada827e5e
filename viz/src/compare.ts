/**
 * Comparing two runs. "Keep to compare" keeps the run on screen; change the seed, a fault or
 * the scenario itself (2PC against Paxos Commit) and the kept run is drawn under the shown one
 * on one time axis: zooming or panning either moves both, and the current instant is drawn on
 * both. The first record where the runs differ is marked on both and the view moves there;
 * their verdicts and metrics are set side by side.
 */
import { describeRecord, firstDivergence } from './model/diverge.js';
import { Analysis } from './model/analysis.js';
import type { Display, Shown } from './display.js';
import type { Session } from './run/session.js';
import { registry } from './run/catalogue.js';
import { renderCompare } from './view/comparePanel.js';
import { formatTime } from './view/palette.js';
import type { Player } from './view/player.js';
import { makeScene } from './view/scene.js';
import type { Shell } from './view/shell.js';
import { SpaceTime } from './view/spaceTime.js';
import { runInWorker } from './run/workerClient.js';

/** The comparison of the shown run with a kept one. */
export class Compare {
  kept: Shown | undefined;
  /** The first differing record of the shown run, -1 when none (or no comparison). */
  divergence = -1;
  private lower: SpaceTime | undefined;

  constructor(private readonly ui: Shell, private readonly display: Display,
    private readonly player: Player, private readonly changed: () => void) {
    display.followers.push((_, time) => {
      const m = this.kept?.model;
      if (m !== undefined) this.lower?.setCursor(time, m.upperBound(time) - 1);
    });
  }

  /** Keeps the shown run to compare the next with. */
  keep(): void {
    this.kept = this.display.shown;
    this.refresh();
    this.changed();
  }

  /** Keeps a run restored from a link (run first, then the shown one). */
  async restore(session: Session): Promise<void> {
    const outcome = await runInWorker(session, session.source?.text ?? session.yaml(),
      session.source?.fileName ?? 'kept.yaml', () => undefined);
    this.kept = { ...outcome, session, loaded: session.loaded,
      label: session.key.startsWith('file:') ? session.key.slice(5) : session.key };
  }

  stop(): void {
    this.kept = undefined;
    this.refresh();
    this.changed();
  }

  goToDivergence(): void {
    if (this.divergence >= 0) this.display.goTo(this.divergence);
  }

  /** Redraws the comparison after the shown run changed. */
  refresh(): void {
    const a = this.kept;
    const b = this.display.shown;
    const upper = this.display.diagram;
    this.divergence = -1;
    upper?.setMarker(undefined);
    if (a === undefined || b === undefined || a === b) {
      this.ui.diagramB.hidden = true;
      upper?.setDomainEnd(undefined);
      renderCompare(this.ui.compare, undefined, undefined);
      return this.ui.forkInfo(a === undefined ? undefined : `Kept this run (${a.label}, seed ${
        a.model.info.seed}). Change the seed, a fault or the scenario to compare with it.`, false);
    }
    this.drawLower(a);
    const end = Math.max(a.model.end, b.model.end);
    upper?.setDomainEnd(end);
    this.lower?.setDomainEnd(end);
    renderCompare(this.ui.compare, this.compared(a), this.compared(b));
    const i = firstDivergence(a.model, b.model);
    if (i < 0) return this.ui.forkInfo(`Identical to the kept run (${a.label}).`, false);
    this.divergence = Math.min(i, b.model.n - 1);
    const t = b.model.t[this.divergence] as number;
    const label = `runs diverge at #${i}`;
    upper?.setMarker({ time: t, label });
    this.lower?.setMarker({ time: t, label });
    this.ui.forkInfo(`Below, the kept run (${a.label}, seed ${a.model.info.seed}); above, this ` +
      `run. They first diverge at event #${i}, t = ${formatTime(t)}: the kept run had ` +
      `${describeRecord(a.model, i)}, this run has ${describeRecord(b.model, i)}.`, true);
    this.display.frame(t - Math.max(t * 0.05, 5_000), t + Math.max(t * 0.05, 5_000));
    this.player.seek(this.divergence);
  }

  private compared(s: Shown) {
    return { label: s.label, seed: s.model.info.seed, events: s.model.n, end: s.model.end,
      ...(s.report === undefined ? {} : { report: s.report }) };
  }

  /** The kept run's diagram, under the shown one, sharing its zoom. */
  private drawLower(a: Shown): void {
    const spec = a.session?.spec ?? a.loaded?.spec;
    const protocol = spec === undefined ? undefined : registry[spec.protocol];
    const view = protocol?.view;
    const parsed = protocol?.params.safeParse(spec?.params ?? {});
    const params = parsed?.success === true ? parsed.data : undefined;
    const analysis = new Analysis(a.model, a.derived, view, params);
    const scene = makeScene(a.model, a.derived, view, analysis.timeline, [], params);
    this.ui.diagramB.hidden = false;
    const upper = this.display.diagram;
    if (this.lower === undefined) {
      this.lower = new SpaceTime(this.ui.diagramB, scene, {
        onCursor: (t) => this.player.seekTime(t),
        onViolation: () => undefined,
        onEvidence: () => undefined,
        onMessage: () => undefined,
        onZoom: (transform) => upper?.applyZoom(transform),
      });
      this.lower.canvas.setAttribute('aria-label', 'the kept run, on the same time axis');
    } else this.lower.setScene(scene);
    upper?.setZoomListener((transform) => this.lower?.applyZoom(transform));
    this.lower.setCursor(this.player.now, a.model.upperBound(this.player.now) - 1);
  }
}

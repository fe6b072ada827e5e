/**
 * Everything the visualizer knows of a run beyond its columns, for one protocol: the view's
 * timeline (bands and marks from notes) and the fact book (what narratives claim). Built once
 * per trace, lazily; Node-safe, so the claim check test builds exactly what the page shows.
 */
import type { ProtocolView, Timeline } from '../../../protocols/view.js';
import type { Derived } from './derive.js';
import { buildFactBook, type FactBook } from './facts.js';
import { runToEnd } from './slices.js';
import type { TraceModel } from './traceModel.js';
import { timelineOf } from './viewData.js';

/** A trace with its protocol's view. */
export class Analysis {
  private timelineMemo: Timeline | undefined;
  private bookMemo: FactBook | undefined;

  constructor(
    readonly model: TraceModel,
    readonly derived: Derived,
    readonly view: ProtocolView | undefined,
    /** The protocol's parsed parameters, when the scenario is known. */
    readonly params?: unknown,
  ) {}

  get timeline(): Timeline {
    this.timelineMemo ??= timelineOf(this.model, this.derived, this.view, this.params);
    return this.timelineMemo;
  }

  get book(): FactBook {
    return runToEnd(this.buildBook(Infinity));
  }

  /** Builds the fact book a slice of `slice` records at a time (see buildFactBook). */
  *buildBook(slice = 50_000): Generator<void, FactBook> {
    if (this.bookMemo !== undefined) return this.bookMemo;
    const book = yield* buildFactBook(this.model, this.derived, { timeline: this.timeline,
      ...(this.view === undefined ? {} : { view: this.view }),
      ...(this.params === undefined ? {} : { params: this.params }) }, slice);
    this.bookMemo ??= book;
    return this.bookMemo;
  }
}

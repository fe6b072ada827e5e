/**
 * Work over a whole trace written as a generator that yields between slices, so a page can
 * spread it over the moments between frames, and Node (or a small trace) can run it at once.
 */

/** Runs work that yields between slices to its end, at once. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

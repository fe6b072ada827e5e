/**
 * The screenshots in viz/README.md are those of the current runs: each shot of
 * viz/screenshots.json is in the README with its title, its PNG is 1280×720, and its caption
 * is what the page says of the run (App.caption), recomputed here from the same run in Node.
 * When a protocol change alters a run, this fails: run `npm run viz:screenshots` again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge, loadScenario, prepareRun } from '../../runner/index.js';
import { formatMicros } from '../../protocols/view.js';
import { firstDivergence } from '../../viz/src/model/diverge.js';
import { modelOfRun } from '../../viz/src/model/runModel.js';

interface Shot { file: string; title: string; open: string; violation?: boolean; compare?: string }
const { shots } = JSON.parse(readFileSync('viz/screenshots.json', 'utf8')) as { shots: Shot[] };
const readme = readFileSync('viz/README.md', 'utf8');

function run(key: string) {
  const file = `scenarios/${key}.yaml`;
  const prepared = prepareRun(loadScenario(readFileSync(file, 'utf8'), file).spec);
  prepared.engine.run(prepared.spec.duration);
  const report = judge(prepared);
  return { ...modelOfRun(prepared.engine, report), report };
}

/** The caption the page gives for a shot (App.caption), from the runs. */
function caption(shot: Shot): string {
  const { model, derived, report } = run(shot.open);
  if (shot.compare !== undefined) {
    const other = run(shot.compare);
    const i = firstDivergence(model, other.model);
    return `${shot.open} kept, ${shot.compare} shown: they first differ at event #${i}, t = ${
      formatMicros(other.model.t[i] ?? 0)}`;
  }
  if (derived.violation < 0) {
    return `${shot.open}: ${model.n} events over ${formatMicros(model.end)}, trace hash ${
      report.result.hash}`;
  }
  const evidence = derived.evidence.map((e, k) => `${k + 1}. ${e.label} (${formatMicros(e.time)})`);
  return `${shot.open}: ${derived.violationName} is violated at ${formatMicros(
    model.t[derived.violation] ?? 0)}. Evidence: ${evidence.join('; ')}`;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('viz README screenshots', () => {
  it('lists every shot, and only those', () => {
    const listed = [...readme.matchAll(/!\[[^\]]*\]\(screenshots\/([\w.-]+)\)/g)].map((m) => m[1]);
    expect(listed).toEqual(shots.map((s) => s.file));
    expect(shots.filter((s) => s.violation === true).length).toBeGreaterThanOrEqual(7);
  });

  it.each(shots.map((s) => [s.file, s] as const))('%s is of the current run', (file, shot) => {
    expect(pngSize(`viz/screenshots/${file}`)).toEqual([1280, 720]);
    const entry = readme.slice(readme.indexOf(`(screenshots/${file})`));
    const written = /\n\n\*(.*)\*\n/.exec(entry)?.[1];
    expect(written).toBe(caption(shot));
    expect(readme).toContain(`### ${shot.title}`);
  });
});

/**
 * Playback of the current instant: play and pause (simulated time advancing at a chosen
 * speed per real second), step event by event both ways, scrub with a slider. The instant is
 * an event index (the last event applied, -1 before the first); its time is that event's.
 */
import type { TraceModel } from '../model/traceModel.js';
import { button, el } from './dom.js';
import { formatTime } from './palette.js';

/** Simulated microseconds per real second. */
const SPEEDS: readonly [string, number][] = [['1 ms/s', 1e3], ['10 ms/s', 1e4],
  ['100 ms/s', 1e5], ['1 s/s', 1e6], ['10 s/s', 1e7]];

/** The playback controls and the instant they move. */
export class Player {
  readonly root: HTMLElement;
  index = -1;
  private model: TraceModel | undefined;
  private playing = false;
  private last = 0;
  private time = 0;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLSpanElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;

  constructor(private readonly onMove: (index: number, time: number, settled: boolean,
    playing: boolean) => void) {
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: '1000', value: '0',
      id: 'scrub', 'aria-label': 'scrub through time' } });
    this.slider.addEventListener('input', () => this.scrub());
    this.slider.addEventListener('change', () => this.emit(true));
    this.label = el('span', { class: 'instant', attrs: { id: 'instant' } });
    this.playButton = button('▶ Play', () => this.toggle(), { id: 'play' });
    this.speed = el('select', { attrs: { id: 'speed', 'aria-label': 'speed' } },
      ...SPEEDS.map(([name, v]) => el('option', { text: name, attrs: { value: String(v) } })));
    this.speed.value = '100000';
    this.root = el('div', { class: 'player' },
      button('⇤ Start', () => this.seek(-1), { id: 'to-start', title: 'to the start (Home)' }),
      button('◀ Step', () => this.step(-1), { id: 'step-back' }),
      this.playButton,
      button('Step ▶', () => this.step(1), { id: 'step' }),
      this.speed, this.slider, this.label);
  }

  /** Uses a new trace; keeps the instant where it can. */
  setModel(model: TraceModel): void {
    this.model = model;
    this.seek(Math.min(this.index, model.n - 1));
  }

  /** Moves to event `index`. */
  seek(index: number): void {
    const m = this.model;
    if (m === undefined) return;
    this.index = Math.max(-1, Math.min(m.n - 1, index));
    this.time = this.index < 0 ? 0 : (m.t[this.index] as number);
    this.emit(true);
  }

  /** Moves to the last event at or before `time`. */
  seekTime(time: number): void {
    const m = this.model;
    if (m === undefined) return;
    this.index = m.upperBound(time) - 1;
    this.time = time;
    this.emit(true);
  }

  /** The last event. */
  toEnd(): void {
    this.pause();
    this.seek((this.model?.n ?? 0) - 1);
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  /** The current instant's time. */
  get now(): number {
    return this.time;
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.index + delta);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.playButton.textContent = '▶ Play';
    this.emit(true);
  }

  private play(): void {
    const m = this.model;
    if (m === undefined || m.n === 0) return;
    if (this.index >= m.n - 1) this.seek(-1);
    this.playing = true;
    this.playButton.textContent = '⏸ Pause';
    this.last = performance.now();
    requestAnimationFrame((t) => this.tick(t));
  }

  private tick(now: number): void {
    const m = this.model;
    if (!this.playing || m === undefined) return;
    this.time += ((now - this.last) / 1000) * Number(this.speed.value);
    this.last = now;
    this.index = m.upperBound(this.time) - 1;
    if (this.index >= m.n - 1) {
      this.index = m.n - 1;
      this.emit(false);
      this.pause();
      return;
    }
    this.emit(false);
    requestAnimationFrame((t) => this.tick(t));
  }

  private scrub(): void {
    const m = this.model;
    if (m === undefined) return;
    this.time = (Number(this.slider.value) / 1000) * m.end;
    this.index = m.upperBound(this.time) - 1;
    this.emit(false);
  }

  private emit(settled: boolean): void {
    const m = this.model;
    if (m === undefined) return;
    if (document.activeElement !== this.slider) {
      this.slider.value = String(m.end === 0 ? 0 : Math.round((this.time / m.end) * 1000));
    }
    this.label.textContent = `event ${this.index + 1} of ${m.n}, t = ${formatTime(this.time)}`;
    this.onMove(this.index, this.time, settled, this.playing);
  }
}

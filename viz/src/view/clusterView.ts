/**
 * The cluster view for teaching: servers on a ring, clients in an outer arc, at the current
 * instant. A node is coloured by its role (leader, follower, …) or greyed when down, tinted
 * when paused; cut links are dashed red; messages in flight are dots partway along their
 * link, by how much of their flight time has passed. It is redrawn with the diagram's cursor,
 * so it plays, steps and scrubs in step with the timeline. Labels are SVG text (textContent).
 */
import { select, type Selection } from 'd3';
import { firstArrow } from '../model/bisect.js';
import { atIndex, type Derived } from '../model/derive.js';
import { KIND, type TraceModel } from '../model/traceModel.js';
import { DROP_COLOUR, TEXT, TONE_COLOURS, toneColour } from './palette.js';
import { groupIndex, roleWord, type Scene } from './scene.js';

const SIZE = 260;
const MAX_DOTS = 300;

/** The cluster view widget. */
export class ClusterView {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private positions: [number, number][] = [];
  private clientRadius = 11;

  private model: TraceModel;
  private derived: Derived;

  constructor(host: HTMLElement, private scene: Scene) {
    this.model = scene.model;
    this.derived = scene.derived;
    this.svg = select(host).append('svg').attr('class', 'cluster')
      .attr('viewBox', `0 0 ${SIZE} ${SIZE}`).attr('width', SIZE).attr('height', SIZE)
      .attr('role', 'img').attr('aria-label', 'cluster at the current instant');
    this.svg.append('g').attr('class', 'links');
    this.svg.append('g').attr('class', 'dots');
    this.svg.append('g').attr('class', 'nodes');
    this.setScene(scene);
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    const model = scene.model;
    this.model = model;
    this.derived = scene.derived;
    const servers = model.servers;
    const clients = model.lanes.length - servers;
    this.clientRadius = Math.max(3, Math.min(11, SIZE / Math.max(1, clients) / 2 - 1));
    // Servers on a ring, right of centre; clients in a column at the left edge.
    this.positions = model.lanes.map((_, lane): [number, number] => {
      if (lane >= servers) {
        const k = lane - servers;
        return [16, SIZE * ((k + 0.5) / Math.max(1, clients))];
      }
      const angle = -Math.PI / 2 + (2 * Math.PI * lane) / Math.max(1, servers);
      const r = SIZE * 0.3;
      return [SIZE / 2 + 22 + r * Math.cos(angle), SIZE / 2 + r * Math.sin(angle)];
    });
  }

  /** Redraws for the instant after record `index`, at time `t`. */
  update(t: number, index: number): void {
    this.drawLinks(index);
    this.drawDots(t);
    this.drawNodes(index);
  }

  private at(lane: number): [number, number] {
    return this.positions[lane] ?? [0, 0];
  }

  private drawLinks(index: number): void {
    const epoch = this.derived.cuts.find((c) => c.i0 <= index && index < c.i1);
    const cut: [number, number][] = [];
    epoch?.isolatedFrom.forEach((others, a) => others.forEach((b) => {
      if (a < b || !epoch.isolatedFrom[b]?.includes(a)) cut.push([a, b]);
    }));
    this.svg.select('g.links').selectAll('line').data(cut).join('line')
      .attr('x1', (d) => this.at(d[0])[0]).attr('y1', (d) => this.at(d[0])[1])
      .attr('x2', (d) => this.at(d[1])[0]).attr('y2', (d) => this.at(d[1])[1])
      .attr('stroke', DROP_COLOUR).attr('stroke-dasharray', '4 3');
  }

  /** Messages in flight at `t`: sent at or before, delivered or dropped after. */
  private inFlight(t: number): { x: number; y: number; drop: boolean; colour: string }[] {
    const { model: m, derived: d } = this;
    const lo = firstArrow(d, m.lowerBound(t - d.maxSpan));
    const hi = firstArrow(d, m.upperBound(t));
    const out: { x: number; y: number; drop: boolean; colour: string }[] = [];
    for (let a = lo; a < hi && out.length < MAX_DOTS; a++) {
      const s = d.arrowSend[a] as number;
      const e = d.arrowEnd[a] as number;
      const t0 = m.t[s] as number;
      const t1 = m.t[e] as number;
      if (t1 <= t || t1 === t0) continue;
      const f = (t - t0) / (t1 - t0);
      const [x0, y0] = this.at(m.node[s] as number);
      const [x1, y1] = this.at(m.node[e] as number);
      const drop = m.kind[e] === KIND.drop;
      out.push({ x: x0 + (x1 - x0) * f, y: y0 + (y1 - y0) * f, drop,
        colour: drop ? DROP_COLOUR : this.scene.groups[groupIndex(this.scene, m.tag(s))]?.colour
          ?? TEXT });
    }
    return out;
  }

  private drawDots(t: number): void {
    this.svg.select('g.dots').selectAll('circle').data(this.inFlight(t)).join('circle')
      .attr('cx', (d) => d.x).attr('cy', (d) => d.y).attr('r', 3)
      .attr('fill', (d) => d.colour);
  }

  private drawNodes(index: number): void {
    const { model: m, derived: d } = this;
    const nodes = m.lanes.map((id, lane) => {
      const role = atIndex(d.roles, lane, index);
      return { id, lane, role, word: role === undefined ? undefined : roleWord(this.scene, role.role),
        down: atIndex(d.down, lane, index) !== undefined,
        paused: atIndex(d.paused, lane, index) !== undefined };
    });
    const g = this.svg.select('g.nodes').selectAll<SVGGElement, (typeof nodes)[number]>('g')
      .data(nodes).join((enter) => {
        const n = enter.append('g');
        n.append('circle');
        n.append('text').attr('class', 'id').attr('text-anchor', 'middle').attr('dy', 4);
        n.append('text').attr('class', 'role').attr('text-anchor', 'middle').attr('dy', 30);
        return n;
      });
    g.attr('transform', (n) => `translate(${this.at(n.lane)[0]},${this.at(n.lane)[1]})`)
      .attr('data-node', (n) => n.id);
    g.select('circle').attr('r', (n) => (n.lane < m.servers ? 17 : this.clientRadius))
      .attr('fill', (n) => n.down ? '#d4d4d8'
        : n.word === undefined ? '#f5f5f4' : toneColour(n.word.tone))
      .attr('stroke', (n) => (n.paused ? TONE_COLOURS.info : '#1f2937'))
      .attr('stroke-width', (n) => (n.paused ? 3 : 1));
    g.select('text.id').text((n) => n.id)
      .attr('fill', (n) => (n.word === undefined || n.down ? TEXT : '#ffffff'));
    g.select('text.role').text((n) => n.down ? 'down'
      : `${n.paused ? 'paused ' : ''}` +
        `${n.role === undefined || n.word === undefined ? '' : `${n.word.label} ${n.role.number}`}`)
      .attr('fill', TEXT);
  }
}

/**
 * Writes a `RunSpec` as a scenario file, the inverse of the loader: the fuzzer saves its
 * counterexamples this way and the visualizer offers the current run as a download. The output
 * loads back to the same spec (a property test holds it to that), with times written the way a
 * person writes them (`1.5s`, `150ms`).
 */
import { stringify } from 'yaml';
import { assertNever, type Fault, type Latency, type LinkPatch } from '../sim/index.js';
import { formatDuration as time } from '../protocols/durations.js';
import type { FailureProcess } from './failures.js';
import { formatBytes, type LimitsSpec } from './limits.js';
import type { Narrative } from './schema.js';
import type { RunSpec } from './spec.js';

/** Words that go with a scenario but are not part of the run. */
export interface ScenarioText {
  readonly description?: string;
  readonly narrative?: Narrative;
  /** A comment placed at the top of the file (each line prefixed with `# `). */
  readonly comment?: string;
}

type Plain = Record<string, unknown>;

function latency(l: Latency): Plain {
  const out: Plain = { dist: l.dist };
  for (const [k, v] of Object.entries(l)) {
    if (k !== 'dist' && v !== undefined) out[k] = time(v as number);
  }
  return out;
}

function link(patch: LinkPatch): Plain {
  return {
    ...(patch.latency === undefined ? {} : { latency: latency(patch.latency) }),
    ...(patch.loss === undefined ? {} : { loss: patch.loss }),
    ...(patch.duplicate === undefined ? {} : { duplicate: patch.duplicate }),
    ...(patch.bandwidth === undefined ? {} : { bandwidth: patch.bandwidth }),
  };
}

function fault(f: Fault): Plain {
  switch (f.kind) {
    case 'crash':
      return { crash: f.node, ...(f.tear === true ? { tear: true } : {}) };
    case 'restart':
    case 'pause':
    case 'resume':
      return { [f.kind]: f.node };
    case 'partition':
      return { partition: f.groups.map((g) => [...g]) };
    case 'bridge':
    case 'ring':
      return { [f.kind]: f.nodes === undefined ? 'all' : [...f.nodes] };
    case 'cut':
      return { cut: { from: f.from, to: f.to } };
    case 'heal':
      return { heal: f.from === undefined || f.to === undefined ? 'all'
        : { from: f.from, to: f.to } };
    case 'link':
      return { link: { ...(f.from === undefined ? {} : { from: f.from }),
        ...(f.to === undefined ? {} : { to: f.to }), ...link(f.set) } };
    case 'clock':
      return { clock: { node: f.node, ...(f.offset === undefined ? {} : { offset: time(f.offset) }),
        ...(f.driftPpm === undefined ? {} : { drift: f.driftPpm }),
        ...(f.jump === undefined ? {} : { jump: time(f.jump) }) } };
    case 'disk':
      return { disk: { node: f.node, fault: f.fault } };
    case 'drop':
      return { drop: { message: f.message } };
    case 'admin':
      return { [f.op]: f.node };
    default:
      return assertNever(f, 'fault');
  }
}

function failure(f: FailureProcess): Plain {
  return { kind: f.kind, mtbf: time(f.mtbf), mttr: time(f.mttr), distribution: f.distribution,
    ...(f.shape === undefined ? {} : { shape: f.shape }),
    ...(f.racks === undefined ? {} : { racks: f.racks.map((r) => [...r]) }),
    ...(f.nodes === undefined ? {} : { nodes: [...f.nodes] }),
    ...(f.after === undefined ? {} : { after: time(f.after) }),
    ...(f.until === undefined ? {} : { until: time(f.until) }) };
}

function limits(l: LimitsSpec): Plain {
  return { ...(l.events === undefined ? {} : { events: l.events }),
    ...(l.memoryBytes === undefined ? {} : { memory: formatBytes(l.memoryBytes) }),
    ...(l.timeMs === undefined ? {} : { time: time(l.timeMs * 1_000) }) };
}

function expectations(spec: RunSpec): Plain | undefined {
  const e = spec.expect;
  if (e === undefined) return undefined;
  const live = e.liveness;
  return {
    ...(e.hold === undefined ? {} : { hold: [...e.hold] }),
    ...(e.violate === undefined ? {} : { violate: e.violate }),
    ...(live === undefined ? {} : { liveness: {
      ...(live.after === undefined ? {} : { after: time(live.after) }),
      settle: time(live.settle),
      ...(live.checks === undefined ? {} : { checks: [...live.checks] }) } }),
    ...(e.metrics === undefined ? {} : { metrics: e.metrics }),
  };
}

/** A narrative as written in a file: step times the way a person writes them. */
function narrativeYaml(narrative: Narrative): unknown {
  if (typeof narrative === 'string') return narrative;
  return { ...(narrative.intro === undefined ? {} : { intro: narrative.intro }),
    steps: narrative.steps.map((s) => ({ ...(s.at === undefined ? {} : { at: time(s.at) }),
      ...(s.when === undefined ? {} : { when: s.when }), text: s.text })) };
}

function body(spec: RunSpec, text: ScenarioText): Plain {
  const net = spec.network;
  const w = spec.workload;
  return {
    name: spec.name,
    ...(text.description === undefined ? {} : { description: text.description }),
    ...(text.narrative === undefined ? {} : { narrative: narrativeYaml(text.narrative) }),
    protocol: spec.protocol,
    params: spec.params ?? {},
    nodes: spec.nodes,
    ...(net === undefined ? {} : { network: { ...link(net), ...(net.links === undefined ? {}
      : { links: net.links.map((l) => ({ from: l.from, to: l.to, ...link(l) })) }) } }),
    ...(spec.clocks === undefined ? {} : { clocks: Object.fromEntries(Object.entries(spec.clocks)
      .map(([id, c]) => [id, { ...(c.offset === undefined ? {} : { offset: time(c.offset) }),
        ...(c.driftPpm === undefined ? {} : { drift: c.driftPpm }) }])) }),
    ...(spec.disk === undefined ? {} : { disk: spec.disk.syncLatency === undefined ? {}
      : { syncLatency: latency(spec.disk.syncLatency) } }),
    ...(w === undefined ? {} : { workload: { clients: w.clients, rate: `${w.rate}/s`, keys: w.keys,
      mix: { ...w.mix }, timeout: time(w.timeout), attempts: w.attempts } }),
    faults: spec.faults.map(({ at, fault: f }) => ({ at: time(at), ...fault(f) })),
    ...(spec.failures === undefined ? {} : { failures: spec.failures.map(failure) }),
    duration: time(spec.duration),
    seed: spec.seed,
    ...(spec.ties === undefined ? {} : { ties: spec.ties }),
    ...(spec.limits === undefined ? {} : { limits: limits(spec.limits) }),
    ...(spec.expect === undefined ? {} : { expect: expectations(spec) }),
  };
}

/** The scenario file of `spec` as YAML text. */
export function toScenarioYaml(spec: RunSpec, text: ScenarioText = {}): string {
  const yaml = stringify(body(spec, text), { lineWidth: 100, flowCollectionPadding: false,
    collectionStyle: 'any', aliasDuplicateObjects: false });
  const comment = text.comment === undefined ? ''
    : `${text.comment.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n`;
  return comment + yaml;
}

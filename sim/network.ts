/**
 * The simulated network: directed links between nodes, each with a latency distribution,
 * loss, duplication and optional bandwidth, and a set of cut links that partitions create.
 *
 * Reordering comes from jitter: every copy of a message samples its own latency, so two
 * messages on one link may arrive in either order, as datagrams do. Bandwidth serialises a
 * link: a message departs when the previous one has left, after size / bandwidth.
 *
 * Partitions are sets of cut directed links. `partition(groups)` replaces the current
 * grouping; `cut` adds a one-way cut (asymmetric partitions); `heal` removes cuts. A message
 * sent across a cut is dropped at once (its `fate` says so); one in flight when its link is
 * cut is dropped on arrival (the engine asks `isCut` at delivery). Partitions group servers:
 * a client process keeps its links unless a group names it.
 *
 * Each directed link draws from its own stream `net/<from>/<to>`, so adding a node does not
 * change what happens on existing links.
 */
import { ConfigError } from './assert.js';
import { jsonLength } from './jsonLength.js';
import { type Latency, sampleLatency, validateLatency } from './latency.js';
import type { Prng, PrngRoot } from './prng.js';
import type { Micros, NodeId } from './types.js';

/** The behaviour of one directed link. */
export interface LinkConfig {
  readonly latency: Latency;
  /** Probability in [0, 1] that a message is lost. */
  readonly loss: number;
  /** Probability in [0, 1] that a message is delivered twice. */
  readonly duplicate: number;
  /** Bytes per second; undefined for unlimited. */
  readonly bandwidth?: number;
}

/** Changes to a link's behaviour (a fault or a per-link override). */
export type LinkPatch = Partial<LinkConfig>;

/** Network configuration: defaults for every link, then per-link overrides. */
export interface NetworkConfig extends LinkPatch {
  readonly links?: readonly (LinkPatch & { readonly from: NodeId; readonly to: NodeId })[];
}

/** Every message is delivered at most this many times (once, plus one duplicate). */
export const MAX_COPIES = 2;

/** The default link: 1 ms ± 0.5 ms, no loss, no duplication. */
export const DEFAULT_LINK: LinkConfig = {
  latency: { dist: 'uniform', min: 500, max: 1_500 },
  loss: 0,
  duplicate: 0,
};

/** Why a message was not delivered. */
export type DropCause =
  | 'partition'
  | 'partition-in-flight'
  | 'loss'
  | 'fault'
  | 'node-down'
  | 'pause-buffer-full'
  | 'sender-crashed';

/**
 * What the network does with one message, decided once when it is sent: delivered at a true
 * time, duplicated (two copies, each with its own latency), or dropped at once with a cause.
 * A copy can still be dropped on arrival (a cut made while it flew, a `drop` fault, a crashed
 * or overloaded receiver): the engine decides that at delivery, with its own causes.
 */
export type Fate =
  | { readonly kind: 'delivered'; readonly at: Micros }
  | { readonly kind: 'duplicated'; readonly at: Micros; readonly again: Micros }
  | { readonly kind: 'dropped'; readonly cause: 'partition' | 'loss' };

const CUT: Fate = Object.freeze({ kind: 'dropped', cause: 'partition' });
const LOST: Fate = Object.freeze({ kind: 'dropped', cause: 'loss' });

/** Validates a link patch; `path` names it in errors. */
export function validateLinkPatch(patch: LinkPatch, path: string): void {
  if (patch.latency !== undefined) validateLatency(patch.latency, `${path}.latency`);
  for (const field of ['loss', 'duplicate'] as const) {
    const p = patch[field];
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new ConfigError(`${path}.${field}`, `a probability between 0 and 1, got ${p}`);
    }
  }
  const bw = patch.bandwidth;
  if (bw !== undefined && !(typeof bw === 'number' && bw > 0 && Number.isFinite(bw))) {
    throw new ConfigError(`${path}.bandwidth`, `a positive number of bytes per second, got ${bw}`);
  }
}

const linkKey = (from: NodeId, to: NodeId): string => `${from}>${to}`;

/** The network's state: link settings, cuts and per-link queues. */
export class Network {
  private base: LinkConfig;
  private readonly overrides = new Map<string, LinkConfig>();
  private readonly initial: { base: LinkConfig; overrides: Map<string, LinkConfig> };
  private readonly cuts = new Set<string>();
  private readonly busyUntil = new Map<string, Micros>();
  /**
   * Each link's random stream by sender, then receiver. `fate` runs for every message, and
   * building the stream's name and hashing it there cost more than sampling the message's fate.
   */
  private readonly streams = new Map<NodeId, Map<NodeId, Prng>>();

  constructor(
    readonly servers: readonly NodeId[],
    private readonly prng: PrngRoot,
    config: NetworkConfig = {},
  ) {
    validateLinkPatch(config, 'network');
    this.base = { ...DEFAULT_LINK, ...stripLinks(config) };
    for (const [i, link] of (config.links ?? []).entries()) {
      validateLinkPatch(link, `network.links[${i}]`);
      this.setLink(link.from, link.to, link);
    }
    this.initial = { base: this.base, overrides: new Map(this.overrides) };
  }

  /** Puts every link back as configured at the start (faults may have changed them). */
  restoreLinks(): void {
    this.base = this.initial.base;
    this.overrides.clear();
    for (const [key, link] of this.initial.overrides) this.overrides.set(key, link);
    this.busyUntil.clear();
  }

  /** The configuration of the directed link from → to. */
  link(from: NodeId, to: NodeId): LinkConfig {
    if (this.overrides.size === 0) return this.base;
    return this.overrides.get(linkKey(from, to)) ?? this.base;
  }

  /** Changes one directed link, or every link when from and to are both undefined. */
  setLink(from: NodeId | undefined, to: NodeId | undefined, patch: LinkPatch): void {
    validateLinkPatch(patch, 'link');
    const { latency, loss, duplicate, bandwidth } = { ...patch };
    const clean: LinkPatch = Object.fromEntries(
      Object.entries({ latency, loss, duplicate, bandwidth }).filter(([, v]) => v !== undefined),
    );
    if (from === undefined && to === undefined) {
      this.base = { ...this.base, ...clean };
      for (const [key, link] of this.overrides) this.overrides.set(key, { ...link, ...clean });
      return;
    }
    const froms = from === undefined ? this.endpoints() : [from];
    const tos = to === undefined ? this.endpoints() : [to];
    for (const f of froms) {
      for (const t of tos) {
        if (f !== t) this.overrides.set(linkKey(f, t), { ...this.link(f, t), ...clean });
      }
    }
  }

  /** Whether the directed link from → to is cut. */
  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.size > 0 && this.cuts.has(linkKey(from, to));
  }

  /** The cut directed links, sorted, as [from, to] pairs. */
  cutLinks(): [NodeId, NodeId][] {
    return [...this.cuts].sort().map((key) => key.split('>') as [NodeId, NodeId]);
  }

  /**
   * Replaces the current partition with `groups`: links between nodes in different groups are
   * cut both ways. A server named in no group is alone in a group of its own.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.cuts.clear();
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => group.forEach((node) => groupOf.set(node, g)));
    let next = groups.length;
    for (const server of this.servers) if (!groupOf.has(server)) groupOf.set(server, next++);
    const members = [...groupOf.keys()];
    for (const a of members) {
      for (const b of members) {
        if (groupOf.get(a) !== groupOf.get(b)) this.cuts.add(linkKey(a, b));
      }
    }
  }

  /** Cuts the directed link from → to only (an asymmetric partition). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  /** Heals every cut, or just from → to. */
  heal(from?: NodeId, to?: NodeId): void {
    if (from === undefined || to === undefined) this.cuts.clear();
    else this.cuts.delete(linkKey(from, to));
  }

  /**
   * Samples the fate of one message sent now on the directed link from → to. A cut link drops
   * it without a draw; otherwise the link's stream decides loss, latency and duplication. The
   * message matters only on links with bandwidth, which take its JSON length as its size.
   */
  fate(from: NodeId, to: NodeId, now: Micros, message: unknown): Fate {
    if (this.isCut(from, to)) return CUT;
    const link = this.link(from, to);
    const prng = this.stream(from, to);
    if (prng.chance(link.loss)) return LOST;
    let departure = now;
    if (link.bandwidth !== undefined) {
      const key = linkKey(from, to);
      const start = Math.max(now, this.busyUntil.get(key) ?? 0);
      departure = start + Math.ceil((jsonLength(message) * 1e6) / link.bandwidth);
      this.busyUntil.set(key, departure);
    }
    const at = departure + sampleLatency(link.latency, prng);
    if (prng.chance(link.duplicate)) {
      return { kind: 'duplicated', at, again: departure + sampleLatency(link.latency, prng) };
    }
    return { kind: 'delivered', at };
  }

  /** The random stream of the directed link from → to. */
  private stream(from: NodeId, to: NodeId): Prng {
    let byReceiver = this.streams.get(from);
    if (byReceiver === undefined) {
      byReceiver = new Map();
      this.streams.set(from, byReceiver);
    }
    let prng = byReceiver.get(to);
    if (prng === undefined) {
      prng = this.prng.stream(`net/${from}/${to}`);
      byReceiver.set(to, prng);
    }
    return prng;
  }

  private endpoints(): NodeId[] {
    return [...this.servers];
  }
}

/**
 * The cut links of a bridge (Jepsen's bridge nemesis): two halves that cannot reach each
 * other, except through one middle node that reaches both.
 */
export function bridgeCuts(nodes: readonly NodeId[]): [NodeId, NodeId][] {
  const mid = Math.floor(nodes.length / 2);
  const left = nodes.slice(0, mid);
  const right = nodes.slice(mid + 1);
  const cuts: [NodeId, NodeId][] = [];
  for (const a of left) {
    for (const b of right) cuts.push([a, b], [b, a]);
  }
  return cuts;
}

/**
 * The cut links of a majority ring (Jepsen's majorities-ring): nodes sit on a ring and each
 * reaches only its k nearest neighbours on either side, with 1 + 2k a majority. Every node
 * sees a majority, but no two nodes see the same one.
 */
export function ringCuts(nodes: readonly NodeId[]): [NodeId, NodeId][] {
  const n = nodes.length;
  const k = Math.ceil(Math.floor(n / 2) / 2);
  const cuts: [NodeId, NodeId][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = Math.min(Math.abs(i - j), n - Math.abs(i - j));
      if (d > k) cuts.push([nodes[i] as NodeId, nodes[j] as NodeId]);
    }
  }
  return cuts;
}

function stripLinks(config: NetworkConfig): LinkPatch {
  const { links: _links, ...rest } = config;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

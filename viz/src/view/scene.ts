/**
 * What the space-time diagram shows of a trace besides its geometry: the protocol's words
 * (role labels and tones, message groups and their colours), the view's bands and marks, the
 * violation's evidence, and the reader's choices (message groups hidden, timers and notes
 * shown, the future drawn or not). The app builds one per trace and changes the choices.
 */
import type { Evidence } from '../../../sim/check/property.js';
import type { MessageGroup, ProtocolView, Timeline, Tone } from '../../../protocols/view.js';
import type { Derived } from '../model/derive.js';
import type { TraceModel } from '../model/traceModel.js';
import { CLIENT_COLOUR, GROUP_COLOURS, OTHER_COLOUR, ROUTINE_COLOUR } from './palette.js';

/** A message group as drawn: its colour, and the types it holds. */
export interface DrawnGroup extends MessageGroup {
  readonly colour: string;
}

/** Groups every protocol has, in one colour everywhere. */
const FIXED_COLOURS: Readonly<Record<string, string>> = { client: CLIENT_COLOUR, other: OTHER_COLOUR };

/** Messages of types no group names. */
const OTHER: MessageGroup = { name: 'other', label: 'other messages', types: [] };

/** What to draw. */
export interface Scene {
  readonly model: TraceModel;
  readonly derived: Derived;
  readonly timeline: Timeline;
  /** Role words by the name notes give: label and tone. */
  readonly roles: Readonly<Record<string, { label: string; tone: Tone }>>;
  readonly groups: readonly DrawnGroup[];
  /** Group index of each message type. */
  readonly groupOf: ReadonlyMap<string, number>;
  /** Per lane, what kind of server it is (`coordinator`, `storage`), if it differs. */
  readonly laneKinds: readonly (string | undefined)[];
  readonly evidence: readonly Evidence[];
  /** Notes drawn at the start of lanes (a drifting clock). */
  readonly laneNotes: readonly (string | undefined)[];
}

/** The reader's choices. */
export interface Choices {
  /** Group indexes hidden. */
  readonly hidden: ReadonlySet<number>;
  readonly timers: boolean;
  readonly notes: boolean;
  /** Draw what comes after the current instant. */
  readonly future: boolean;
}

/** The default choices: routine groups hidden? No: everything shown, the future too. */
export const SHOW_ALL: Choices = { hidden: new Set(), timers: true, notes: true, future: true };

/** Builds the scene of a trace for a protocol's view (none: a plain trace). */
export function makeScene(model: TraceModel, derived: Derived, view: ProtocolView | undefined,
  timeline: Timeline, laneNotes: readonly (string | undefined)[], params?: unknown): Scene {
  const listed = view?.vocabulary.messages ?? [];
  let next = 0;
  const groups = [...listed, OTHER].map((g): DrawnGroup => ({ ...g,
    colour: FIXED_COLOURS[g.name] ?? (g.routine === true ? ROUTINE_COLOUR
      : GROUP_COLOURS[next++ % GROUP_COLOURS.length] as string) }));
  const groupOf = new Map<string, number>();
  listed.forEach((g, k) => g.types.forEach((type) => groupOf.set(type, k)));
  const servers = model.lanes.slice(0, model.servers);
  const kind = view?.vocabulary.serverKind;
  return { model, derived, timeline, groups, groupOf,
    roles: view?.vocabulary.roles ?? {},
    laneKinds: model.lanes.map((id, lane) => lane < model.servers ? kind?.(id, servers, params)
      : undefined),
    evidence: derived.evidence, laneNotes };
}

/** The group of a message type (the last group, `other`, for types no group names). */
export function groupIndex(scene: Scene, tag: string | undefined): number {
  return tag === undefined ? scene.groups.length - 1
    : scene.groupOf.get(tag) ?? scene.groups.length - 1;
}

/** A role's label and tone in the scene's words. */
export function roleWord(scene: Scene, role: string): { label: string; tone: Tone } {
  return scene.roles[role] ?? { label: role, tone: 'muted' };
}

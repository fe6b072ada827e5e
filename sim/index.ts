/**
 * The engine's public surface. Protocols import types from here; the CLI and the visualizer
 * build and run engines through it. Nothing outside sim/ imports an engine file directly.
 */
export { assert, assertNever, AssertionError, ConfigError } from './assert.js';
export { Clock, type ClockConfig, MAX_DRIFT_PPM } from './clock.js';
export { CorruptRecord, type Disk, type DiskView, type DiskWrite, SimDisk } from './disk.js';
export {
  DEFAULT_MAX_EVENTS,
  DEFAULT_SYNC_LATENCY,
  Engine,
  type EngineConfig,
  type MachineLimit,
  messageTag,
  type Outcome,
  type RunResult,
  WATCHDOG_EVERY,
} from './engine.js';
export { ADMIN_OPS, type AdminOp, describeFault, type Fault, type FaultKind, type ScheduledFault,
  validateFault } from './faults.js';
export { fnv1a, RunningHash } from './hash.js';
export { jsonLength } from './jsonLength.js';
export { type Latency, latencyBounds, sampleLatency, validateLatency } from './latency.js';
export {
  bridgeCuts,
  DEFAULT_LINK,
  type DropCause,
  type Fate,
  type LinkConfig,
  type LinkPatch,
  MAX_COPIES,
  Network,
  type NetworkConfig,
  ringCuts,
} from './network.js';
export type { ClientOperation, NodeContext, NodeProgram, ProgramFactory, TimerDelay } from './node.js';
export { Prng, PrngRoot, type Seed } from './prng.js';
export { EventQueue } from './queue.js';
export { snapshot } from './snapshot.js';
export {
  hashRecords,
  Trace,
  TRACE_FORMAT_VERSION,
  TRACE_KINDS,
  type TraceHeader,
  type TraceKind,
  type TraceLevel,
  type TraceRecord,
} from './trace.js';
export {
  jsonErrorAt,
  type LineText,
  MAX_TRACE_LANES,
  parseJsonLine,
  readTraceHeader,
  TraceChecker,
  TraceFormatError,
} from './traceSchema.js';
export { type Effect, sends, type Step, Transcript, type TranscriptOptions } from './transcript.js';
export { MS, SECOND, type Micros, type NodeId } from './types.js';

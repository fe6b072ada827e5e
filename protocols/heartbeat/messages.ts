/**
 * Messages of the heartbeat protocol: one kind. A heartbeat carries the sender's sequence
 * number so duplicates and reordering are visible in the trace; detectors use only arrival
 * times on the receiver's clock.
 */

/** "I am alive", sent every period to every monitored peer. */
export interface Heartbeat {
  readonly type: 'Heartbeat';
  readonly seq: number;
}

export type HeartbeatMessage = Heartbeat;

/**
 * Domain types shared by the engine, the protocols and the checkers.
 *
 * Simulated time is an integer count of microseconds (`Micros`). Node ids follow Maelstrom's
 * convention: servers are `n1`…`nN`, client processes `c1`…`cN`, so traces read without a
 * legend.
 */

/** Integer microseconds of simulated time. */
export type Micros = number;

/** A node or client process id: `n1`…`nN` for servers, `c1`…`cN` for clients. */
export type NodeId = string;

/** Microseconds in one millisecond and one second, for readable arithmetic. */
export const MS: Micros = 1_000;
export const SECOND: Micros = 1_000_000;

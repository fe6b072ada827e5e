/**
 * Messages of the lock service. Clients `Acquire` a lease from the lock service (n1), which
 * answers `Granted` with a fencing token and the lease's time to live, or `Busy`. A holder
 * writes to the storage service (n2) with its token (`Write`), and the storage answers
 * `Written` or `Fenced` (a token lower than one it has already seen). `Release` ends a
 * lease early.
 */

export interface Acquire {
  readonly type: 'Acquire';
  /** The client's request number, echoed in the grant so a stale or duplicate one is ignored. */
  readonly attempt: number;
}

export interface Granted {
  readonly type: 'Granted';
  readonly token: number;
  /** Lease time to live, measured from when the client sent its Acquire. */
  readonly ttl: number;
  readonly attempt: number;
}

export interface Busy {
  readonly type: 'Busy';
}

export interface Release {
  readonly type: 'Release';
  readonly token: number;
}

export interface Write {
  readonly type: 'Write';
  readonly token: number;
  readonly value: string;
}

export interface Written {
  readonly type: 'Written';
  readonly token: number;
}

export interface Fenced {
  readonly type: 'Fenced';
  readonly token: number;
  readonly highest: number;
}

/** Every message of the lock protocol. */
export type LockMessage = Acquire | Granted | Busy | Release | Write | Written | Fenced;

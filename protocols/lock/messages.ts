/**
 * Messages of the lock protocol, by variant:
 * - the lease service: clients `Acquire` a lease from the lock service (n1), which answers
 *   `Granted` with a fencing token and the lease's time to live, or `Busy`; `Release` ends a
 *   lease early;
 * - Redis and Redlock: a client sends a `Redis` command to an instance, which answers
 *   `RedisReply` (`LOADING` while it waits out a restart);
 * - the coordination service: clients send the shared `ClientRequest` (answered `ClientReply`)
 *   to the Raft leader for every tree operation, `ZkPing` to keep their session alive (with
 *   the node they watch, as ZooKeeper's clients re-send their watches), `ZkWatch` to watch a
 *   node; the leader answers `ZkPong` and sends `ZkNotify` when a watched node goes;
 * - every variant: a holder writes to the storage service (the last server) with its token
 *   (`Write`), and the storage answers `Written` or `Fenced` (a token lower than one it has
 *   already seen).
 */
import type { ClientMessage } from '../../sim/check/clientProtocol.js';
import type { RaftMessage } from '../raft/messages.js';

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

/** A Redis command (the subset a lock uses; `ACQUIRE` and `RELEASE` are Lua scripts). */
export type RedisCmd =
  /** SET key value NX PX ms. */
  | { readonly op: 'SET'; readonly key: string; readonly value: string; readonly px: number }
  | { readonly op: 'SETNX'; readonly key: string; readonly value: string }
  | { readonly op: 'PEXPIRE'; readonly key: string; readonly px: number }
  | { readonly op: 'GET'; readonly key: string }
  | { readonly op: 'DEL'; readonly key: string }
  | { readonly op: 'INCR'; readonly key: string }
  /** SET key value NX PX ms, and when it is set, INCR the fence: the token, or null. */
  | { readonly op: 'ACQUIRE'; readonly key: string; readonly value: string; readonly px: number }
  /** Compare-and-delete: DEL key only if its value is `value`. */
  | { readonly op: 'RELEASE'; readonly key: string; readonly value: string };

export interface Redis {
  readonly type: 'Redis';
  readonly id: number;
  readonly cmd: RedisCmd;
}

export interface RedisReply {
  readonly type: 'RedisReply';
  readonly id: number;
  readonly value: string | number | boolean | null;
  /** `LOADING`: the instance restarted and serves nothing for one ttl. */
  readonly error?: 'LOADING';
}

/** What a client watches: a node's deletion, or (the herd bug) any change of the children. */
export interface ZkWatchSpec {
  readonly path: string;
  readonly children: boolean;
  /** For a children watch: the children the client saw (a change since then fires it). */
  readonly seen?: string;
}

export interface ZkPing {
  readonly type: 'ZkPing';
  readonly session: string;
  /** The client's ping number, echoed in the answer. */
  readonly ping: number;
  readonly watch?: ZkWatchSpec;
}

export interface ZkPong {
  readonly type: 'ZkPong';
  readonly session: string;
  readonly ping: number;
  readonly status: 'ok' | 'expired' | 'not-leader' | 'not-ready';
  readonly leaderHint?: string;
}

export interface ZkWatch {
  readonly type: 'ZkWatch';
  /** Watches belong to a session, and go with it. */
  readonly session: string;
  readonly watch: ZkWatchSpec;
}

export interface ZkNotify {
  readonly type: 'ZkNotify';
  readonly path: string;
}

/** Messages of the lease service, the storage, Redis and the coordination service. */
export type LockMessage = Acquire | Granted | Busy | Release | Write | Written | Fenced |
  Redis | RedisReply | ZkPing | ZkPong | ZkWatch | ZkNotify;

/** Every message a lock run carries: the above, and Raft's under the coordination service. */
export type AnyLockMessage = LockMessage | RaftMessage | ClientMessage;

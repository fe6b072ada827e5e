/**
 * Where the third-party data the tests read lives: test/data, inside the repository, with its
 * licence (see test/data/porcupine/README.md). Resolved from this file, not the working
 * directory, so a test finds it wherever vitest starts.
 */
import { fileURLToPath } from 'node:url';

/** Porcupine's histories: `jepsen/etcd_NNN.log` and `kv/cNN-{ok,bad}.txt`. */
export const PORCUPINE_DATA = fileURLToPath(new URL('../data/porcupine/', import.meta.url));

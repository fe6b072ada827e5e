/**
 * What a sweep varies: any field of a scenario file, named by its path (`params.threshold`,
 * `network.loss`, `failures.mtbf`, `workload.rate`, `compare.targets.raft.params.preVote`),
 * set to each of a list of values written as in the file (`150ms`, `0.1`, `semi-sync`,
 * `[150ms, 300ms]`). The value is set in the file's data before it loads, so the loader
 * checks it as it checks the file: a sweep runs nothing it would not run from a file.
 */
import { parse } from 'yaml';

/** One varied field and its values. */
export interface SweepAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

type Data = Record<string, unknown>;

/** `params.threshold` → ['params', 'threshold']; `failures[0].mtbf` → ['failures', 0, 'mtbf']. */
export function axisPath(text: string): (string | number)[] | string {
  const parts = text.split(/\.|\[|\]/).filter((p) => p !== '');
  if (parts.length === 0 || !/^[A-Za-z0-9_.[\]-]+$/.test(text)) {
    return `a field path such as params.threshold or failures.mtbf, got ${JSON.stringify(text)}`;
  }
  return parts.map((p) => /^\d+$/.test(p) ? Number(p) : p);
}

/**
 * Reads `PATH=V1,V2,...` (a YAML flow list after `=` when values hold commas:
 * `params.electionTimeout=[[150ms, 300ms], [300ms, 600ms]]`); returns the axis or a reason.
 */
export function parseAxis(text: string): SweepAxis | string {
  const eq = text.indexOf('=');
  if (eq <= 0) return `PATH=V1,V2,… such as params.threshold=1,3,8, got ${JSON.stringify(text)}`;
  const path = text.slice(0, eq).trim();
  const list = text.slice(eq + 1).trim();
  const parsedPath = axisPath(path);
  if (typeof parsedPath === 'string') return parsedPath;
  let values: unknown[];
  try {
    const parsed: unknown = parse(list.startsWith('[') ? list : `[${list}]`);
    if (!Array.isArray(parsed)) return `${path}: a list of values, got ${JSON.stringify(list)}`;
    values = parsed;
  } catch {
    return `${path}: values written as in a scenario file, got ${JSON.stringify(list)}`;
  }
  if (values.length === 0) return `${path}: at least one value`;
  return { path, values };
}

/**
 * The file's data with `value` at `path` (made where missing). A name segment that meets a
 * list sets the field in each element: `failures.mtbf` sets every failure process's MTBF.
 */
export function setPath(data: Data, path: readonly (string | number)[], value: unknown): Data {
  const copy = structuredClone(data);
  const walk = (node: unknown, i: number): unknown => {
    const seg = path[i] as string | number;
    const last = i === path.length - 1;
    if (Array.isArray(node) && typeof seg === 'string') return node.map((n) => walk(n, i));
    const container = (node !== null && typeof node === 'object' ? node
      : typeof seg === 'number' ? [] : {}) as Record<string | number, unknown>;
    container[seg] = last ? value : walk(container[seg], i + 1);
    return container;
  };
  return walk(copy, 0) as Data;
}

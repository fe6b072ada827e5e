/**
 * `faultline viz [scenario|trace]`: serves the web visualizer on localhost and prints its
 * address. The app is built with Vite into dist/viz when it is missing or older than its
 * sources (viz/, scenarios/, sim/, protocols/, runner/). With a target:
 * - a bundled scenario, by key (`raft/leader-failure`) or by its path under scenarios/, opens
 *   as `#scenario=KEY`, so the page runs it itself;
 * - any other file (a trace in JSON Lines, a scenario YAML elsewhere) is offered at
 *   `/input/NAME` and the page opens it (`#open=input/NAME`);
 * - a comparison (`compare:`, scenarios/compare/) or a sweep's JSON (`faultline sweep --out`)
 *   opens the comparison page, compare.html, the same two ways.
 * The server answers only the built app's files and that one input file, on 127.0.0.1. The
 * app's files are served by sirv (content types, ranges, ETags, no path outside dist/viz,
 * a malformed URL answered rather than thrown); the input file is matched on the raw path,
 * which never needs decoding since its name is plain.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readFileSync, readSync,
  statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { InputError, out } from './io.js';

/** Options of `faultline viz`. */
export interface VizOptions {
  /** Port to listen on; 0 picks a free one. Default 5199, or a free one when it is taken. */
  readonly port?: number | string;
  /** `auto` (default) builds when stale; `never` serves what is there; `always` rebuilds. */
  readonly build?: 'auto' | 'never' | 'always';
  /** The built app (default: dist/viz under the package root). */
  readonly distDir?: string;
  /** The package root (default: found upward from this file, else the working directory). */
  readonly root?: string;
}

/** A running visualizer server. */
export interface VizServer {
  readonly url: string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 5199;

/**
 * The command as the CLI runs it: starts the server, prints the address, serves until
 * interrupted (Ctrl-C), then returns exit code 0. Bad input throws InputError (exit 2).
 */
export async function vizCommand(target: string | undefined, options: VizOptions = {}):
  Promise<number> {
  const server = await startViz(target, options);
  out(`Faultline visualizer: ${server.url}`);
  out('Press Ctrl-C to stop.');
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

/** Builds if needed and starts serving; resolves with the address to open. */
export async function startViz(target: string | undefined, options: VizOptions = {}):
  Promise<VizServer> {
  const root = options.root ?? packageRoot();
  const dist = options.distDir ?? join(root, 'dist', 'viz');
  ensureBuilt(root, dist, options.build ?? 'auto');
  const input = target === undefined ? undefined : resolveTarget(root, target);
  const notFound = (res: ServerResponse) =>
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  // dev: look files up on each request and tell the browser not to cache them.
  const app = sirv(dist, { dev: true, etag: true,
    setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff') });
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res);
    const path = (req.url ?? '/').split(/[?#]/)[0];
    // A path that does not decode (`/%`) is a bad request, not a missing file.
    if (!decodes(path ?? '/')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: a malformed URL');
      return;
    }
    if (input?.file !== undefined && path === `/input/${input.name}`) {
      return sendInput(input.file, req.method === 'HEAD', res);
    }
    app(req, res, () => { notFound(res); });
  });
  const port = await listen(server, Number(options.port ?? DEFAULT_PORT),
    options.port === undefined);
  const url = `http://127.0.0.1:${port}/${input?.hash ?? ''}`;
  return { url, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * The input file, streamed with its length: the page sizes its buffer once from it (a trace
 * of hundreds of MiB sent chunked would be copied again at every doubling) and reads the first
 * blocks while the rest is on its way. A file that cannot be read is a 404, not a hang.
 */
function sendInput(file: string, head: boolean, res: ServerResponse): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': size,
    'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** The path of a request URL, decoded; undefined when its escapes are malformed (`/%`). */
function decodes(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"faultline"/.test(readFileSync(pkg, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The newest modification time under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let latest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function ensureBuilt(root: string, dist: string, mode: 'auto' | 'never' | 'always'): void {
  const index = join(dist, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(...['viz', 'scenarios', 'sim', 'protocols', 'runner']
    .map((d) => newest(join(root, d))));
  if (mode === 'never' || (mode === 'auto' && built > sources)) {
    if (built === 0) throw new InputError(`the visualizer is not built (${index} is missing)`);
    return;
  }
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    if (built > 0) return; // stale but usable; no Vite here to rebuild it
    throw new InputError('the visualizer is not built and Vite is not installed: run npm install');
  }
  process.stderr.write('building the visualizer…\n');
  const args = [vite, 'build', '--logLevel', 'error', '--outDir', dist];
  const result = spawnSync(process.execPath, args,
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new InputError('building the visualizer failed (see above)');
}

/** A bundled scenario key, or a file to offer at /input/NAME. */
function resolveTarget(root: string, target: string): { hash: string; name?: string;
  file?: string } {
  const scenarios = join(root, 'scenarios');
  const asKey = join(scenarios, `${target}.yaml`);
  const path = existsSync(asKey) ? asKey : resolve(target);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(`${target}: no such scenario or file`);
  }
  const inside = relative(scenarios, path);
  // A comparison of designs, or a sweep's rows, opens in the comparison page.
  const page = comparesDesigns(path) ? 'compare.html' : '';
  if (!inside.startsWith('..') && !inside.startsWith(sep) && inside.endsWith('.yaml')) {
    const key = inside.split(sep).join('/').replace(/\.yaml$/, '');
    return { hash: `${page}#${page === '' ? 'scenario' : 'compare'}=${encodeURIComponent(key)}` };
  }
  const name = basename(path).replace(/[^\w.-]/g, '_');
  return { hash: `${page}#open=input/${encodeURIComponent(name)}`, name, file: path };
}

/**
 * Whether a file is a comparison (a `compare:` block) or a sweep's JSON rows, from its first
 * mebibyte (a scenario is smaller; a trace may be gigabytes, and is neither).
 */
function comparesDesigns(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    return /^compare\s*:/m.test(head) || /^\s*\{\s*"format"\s*:\s*"faultline-sweep"/.test(head);
  } finally {
    closeSync(fd);
  }
}

function listen(server: Server, port: number, fallback: boolean): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (fallback && error.code === 'EADDRINUSE') {
        server.listen(0, '127.0.0.1', () => done(address(server)));
      } else fail(new InputError(`cannot listen on port ${port}: ${error.message}`));
    });
    server.listen(port, '127.0.0.1', () => done(address(server)));
  });
}

function address(server: Server): number {
  const a = server.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}

/**
 * The README's example outputs come from real runs. Each example is a fenced block whose
 * first line is a command, `$ faultline …`, with a marker comment on the line before it:
 *
 *     <!-- readme-example: head=14 -->
 *     ```
 *     $ faultline run scenarios/raft/leader-failure.yaml
 *     …the output, generated…
 *     ```
 *
 * `updateExamples` runs every such command with the built CLI and puts its output under it.
 * Marker options: `head=N` keeps the first N lines and ends with `…`; `tail=N` starts with
 * `…` and keeps the last N; `cwd=DIR` runs in DIR (relative to the repository; default the
 * repository, or a fresh scratch folder with `cwd=scratch`, so files a command writes do not
 * land in the repository); `stderr` shows the standard error instead of the output.
 * `npm run readme` rewrites README.md; test/readme.test.ts fails when it would change it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One example's marker options. */
interface Marker {
  readonly head?: number;
  readonly tail?: number;
  readonly cwd?: string;
  readonly stderr: boolean;
}

const MARKER = /^(\s*)<!-- readme-example:([^>]*)-->\s*$/;

function parseMarker(text: string): Marker {
  const options: { head?: number; tail?: number; cwd?: string; stderr: boolean } =
    { stderr: false };
  for (const word of text.trim().split(/\s+/).filter((w) => w !== '')) {
    const [key, value] = word.split('=');
    if (key === 'head' || key === 'tail') options[key] = Number(value);
    else if (key === 'cwd') options.cwd = value;
    else if (key === 'stderr') options.stderr = true;
    else throw new Error(`readme-example: unknown option ${word}`);
  }
  return options;
}

/** Runs one example command with the built CLI; returns its output lines as shown. */
export function runExample(root: string, command: string, marker: Marker): string[] {
  const args = command.replace(/^faultline\s+/, '').split(/\s+/).filter((a) => a !== '');
  const scratch = marker.cwd === 'scratch' ? mkdtempSync(join(tmpdir(), 'faultline-readme-'))
    : undefined;
  try {
    const cwd = scratch ?? join(root, marker.cwd ?? '.');
    const cli = join(root, 'dist/cli/faultline.js');
    const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' }, timeout: 600_000 });
    if (r.status === null || r.status > 2) {
      throw new Error(`${command}: exit ${r.status}\n${r.stderr}`);
    }
    const lines = (marker.stderr ? r.stderr : r.stdout).replace(/\n+$/, '').split('\n');
    if (marker.head !== undefined && lines.length > marker.head) {
      return [...lines.slice(0, marker.head), '…'];
    }
    if (marker.tail !== undefined && lines.length > marker.tail) {
      return ['…', ...lines.slice(-marker.tail)];
    }
    return lines;
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The README with every marked example's output regenerated. */
export function updateExamples(readme: string, root: string,
  run: typeof runExample = runExample): string {
  const lines = readme.split('\n');
  const result: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    result.push(line);
    const marker = MARKER.exec(line);
    if (marker === null) continue;
    const indent = marker[1] ?? '';
    const fence = lines[i + 1];
    const command = /^\s*\$ (faultline .*)$/.exec(lines[i + 2] ?? '')?.[1];
    if (fence?.trim() !== '```' || command === undefined) {
      throw new Error(`README.md:${i + 1}: a readme-example marker needs a fence and a ` +
        '`$ faultline …` line after it');
    }
    let end = i + 3;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const output = run(root, command, parseMarker(marker[2] ?? ''));
    result.push(fence, `${indent}$ ${command}`,
      ...output.map((l) => (l === '' ? '' : `${indent}${l}`)), lines[end] ?? `${indent}\`\`\``);
    i = end;
  }
  return result.join('\n');
}

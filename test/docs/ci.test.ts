/**
 * docs/ci.md is a working CI set-up, not an illustration: its GitHub Actions workflow and
 * GitLab CI file parse, have the shape those systems require, shard the campaign over a
 * matrix or `parallel`, keep counterexamples and JUnit reports, and every `faultline` command
 * in them runs here with the CI's variables set and `--runs` cut to a few runs. The commands
 * run through bash (the scenario glob), in a scratch folder with the repository's dist/ and
 * scenarios/ beside them, against the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const page = readFileSync(join(root, 'docs/ci.md'), 'utf8');
const blocks = [...page.matchAll(/```yaml\n# ([^\n]+)\n([\s\S]*?)```/g)]
  .map((m) => ({ file: m[1] as string, doc: parse(m[2] as string) as Record<string, any> }));
const github = blocks.find((b) => b.file === '.github/workflows/faultline.yml')?.doc;
const gitlab = blocks.find((b) => b.file === '.gitlab-ci.yml')?.doc;

/** The values a CI gives the variables the commands use. */
const VARIABLES: Record<string, string> = {
  '${{ github.run_id }}': '7', '${{ matrix.shard }}': '2', '$CI_PIPELINE_ID': '7',
  '$CI_NODE_INDEX': '2', '$CI_NODE_TOTAL': '4',
};

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-ci-'));
  for (const link of ['dist', 'scenarios', 'node_modules', 'package.json']) {
    symlinkSync(join(root, link), join(dir, link));
  }
  if (!existsSync(join(root, 'dist/cli/faultline.js'))) {
    expect(spawnSync(process.execPath, [join(root, 'cli/build.mjs')], { cwd: root }).status)
      .toBe(0);
  }
});

/** A command as CI runs it, with its variables set and a short campaign. */
function run(command: string) {
  let line = command.replace(/\s*\n\s*/g, ' ').trim();
  for (const [name, value] of Object.entries(VARIABLES)) line = line.split(name).join(value);
  line = line.replace(/--runs \d+/, '--runs 3');
  expect(line).not.toMatch(/\$\{\{|\$CI_/);
  const r = spawnSync('bash', ['-c', line], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  return { line, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const faultlineCommands = (lines: string[]) =>
  lines.filter((l) => l.trim().startsWith('node dist/cli/faultline.js'));

describe('docs/ci.md: GitHub Actions', () => {
  it('is a workflow with a scenario job and a fuzz job sharded over a matrix', () => {
    expect(github).toBeDefined();
    expect(github!.on).toEqual(['push', 'pull_request']);
    expect(Object.keys(github!.jobs)).toEqual(['scenarios', 'fuzz']);
    for (const job of Object.values(github!.jobs) as any[]) {
      expect(job['runs-on']).toBe('ubuntu-latest');
      expect(job.steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
      expect(job.steps.some((s: any) => s.run === 'npm ci && npm run build')).toBe(true);
      expect(job.steps.at(-1).uses).toMatch(/^actions\/upload-artifact@v\d+$/);
    }
    const { matrix } = github!.jobs.fuzz.strategy;
    const fuzz = faultlineCommands(github!.jobs.fuzz.steps.map((s: any) => s.run ?? ''))[0];
    expect(fuzz).toContain(`--shard \${{ matrix.shard }}/${matrix.shard.length}`);
    expect(github!.jobs.fuzz.steps.at(-1).with.path).toContain('counterexamples/');
  });

  it.each(['scenarios', 'fuzz'])('runs its %s command as written', (job) => {
    const steps = github!.jobs[job].steps.map((s: any) => s.run ?? '');
    const commands = faultlineCommands(steps);
    expect(commands).toHaveLength(1);
    const r = run(commands[0] as string);
    expect(r.code, `${r.line}\n${r.stderr}`).toBe(0);
    const report = job === 'fuzz' ? 'reports/fuzz-2.xml' : 'reports/scenarios.xml';
    const xml = readFileSync(join(dir, report), 'utf8');
    expect(xml).toMatch(/<testsuites name="faultline" tests="\d+" failures="0"/);
    if (job === 'fuzz') expect(xml).toContain('shard 2/4');
    else expect(Number(/tests="(\d+)"/.exec(xml)?.[1])).toBeGreaterThan(20);
  });
});

describe('docs/ci.md: GitLab CI', () => {
  it('has a scenario job and a parallel fuzz job that report JUnit and keep counterexamples',
    () => {
      expect(gitlab).toBeDefined();
      const fuzz = gitlab!['faultline-fuzz'];
      expect(fuzz.parallel).toBe(4);
      expect(fuzz.artifacts).toMatchObject({ when: 'always', paths: ['counterexamples/'],
        reports: { junit: 'reports/fuzz.xml' } });
      expect(gitlab!['faultline-scenarios'].artifacts.reports.junit).toBe('reports/scenarios.xml');
      for (const job of [fuzz, gitlab!['faultline-scenarios']]) {
        expect(job.image).toBe('node:20');
        expect(job.script[0]).toBe('npm ci && npm run build');
      }
    });

  it.each(['faultline-scenarios', 'faultline-fuzz'])('runs the %s script as written', (name) => {
    const commands = faultlineCommands(gitlab![name].script as string[]);
    expect(commands).toHaveLength(1);
    const r = run(commands[0] as string);
    expect(r.code, `${r.line}\n${r.stderr}`).toBe(0);
    const report = gitlab![name].artifacts.reports.junit as string;
    expect(readFileSync(join(dir, report), 'utf8')).toMatch(/failures="0"/);
  });
});

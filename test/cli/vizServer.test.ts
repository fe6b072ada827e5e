/**
 * The visualizer's server survives hostile requests (issue 18): a URL whose escapes are
 * malformed (`/%`) gets 400 and the server keeps serving. No browser: the app is a stand-in
 * page, and `build: 'never'` serves it as built.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startViz } from '../../cli/vizCommand.js';

describe('faultline viz server', () => {
  it('answers a malformed URL with 400 and keeps serving', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'faultline-viz-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>stand-in</title>');
    const server = await startViz(undefined, { distDir: dist, build: 'never', port: 0 });
    try {
      const base = server.url.replace(/#.*$/, '');
      for (const bad of ['%', '%E0%A4%A', 'a%zz', '%%%']) {
        const response = await fetch(`${base}${bad}`);
        expect(response.status, bad).toBe(400);
      }
      const page = await fetch(base);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('stand-in');
    } finally {
      await server.close();
    }
  });
});

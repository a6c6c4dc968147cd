import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServedApiTestEnv, servedApiTestEnv } from '../test-env.ts';
import { SCRIPTS } from './files.ts';

let env: ServedApiTestEnv;
afterEach(async () => {
  await env?.close();
});

/** The page as a browser gets it from a real server on 127.0.0.1. */
async function fetchPage(): Promise<{ response: Response; html: string }> {
  env = await servedApiTestEnv();
  const response = await fetch(`${env.url}/`);
  return { response, html: await response.text() };
}

/** The contents of each inline `<script>` or `<style>` block of a page. */
function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(
    (m) => m[1]!,
  );
}

const sha256 = (text: string) =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('GET / (the dashboard)', () => {
  it('default: an HTML page, served without a key, with a strict policy', async () => {
    const { response, html } = await fetchPage();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html).toMatch(/^<!doctype html>/);
    const policy = Object.fromEntries(
      response.headers
        .get('content-security-policy')!
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(policy['default-src']).toEqual(["'none'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['base-uri']).toEqual(["'none'"]);
    expect(policy['form-action']).toEqual(["'none'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    // Exactly the page's own blocks may run: one script, one style, by hash.
    const [script, ...moreScripts] = inlineBlocks(html, 'script');
    const [style, ...moreStyles] = inlineBlocks(html, 'style');
    expect(moreScripts).toEqual([]);
    expect(moreStyles).toEqual([]);
    expect(policy['script-src']).toEqual([sha256(script!)]);
    expect(policy['style-src']).toEqual([sha256(style!)]);
    expect(html).toContain('<script type="module">');
    // Every script file is in the one block, in order.
    const at = SCRIPTS.map((name) => script!.indexOf(`// ---- ${name}\n`));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('behavior: the page has every element its script looks up, and nothing the policy blocks', async () => {
    const { html } = await fetchPage();
    const [script] = inlineBlocks(html, 'script');
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    const used = [...script!.matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(20);
    for (const id of used) expect(ids, `#${id}`).toContain(id);
    // Inline handlers and style attributes would need 'unsafe-inline'; data is never HTML.
    expect(html).not.toMatch(/\son[a-z]+=|\sstyle=/i);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    // Keys travel in the Authorization header, never in a URL.
    expect(script).not.toMatch(/new EventSource|[?&](key|token)=/);
  });

  it('behavior: the script is a valid JavaScript module', async () => {
    const { html } = await fetchPage();
    const [script] = inlineBlocks(html, 'script');
    const dir = mkdtempSync(join(tmpdir(), 'noob-dashboard-'));
    try {
      const file = join(dir, 'page.mjs');
      writeFileSync(file, script!);
      expect(() =>
        execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' }),
      ).not.toThrow();
      // The check itself works: a broken module fails it.
      writeFileSync(file, `${script}\n}`);
      expect(() => execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

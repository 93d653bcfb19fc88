// The browser examples (examples/plain-html, examples/vite-app) run in headless Chromium and print
// what their README promises.
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, train } from '../../src/index.js';
import { launchChromium, serve } from './serve.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const viteApp = join(repository, 'examples', 'vite-app');

/** Opens `url`, waits for the example's `window.result`/`window.done`, and returns its printed text. */
async function printedBy(page: Page, url: string, ready: string): Promise<string> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A module that fails to load (a bare import the page cannot resolve) only logs to the console.
  page.on('console', (message) => {
    // The browser's own favicon request is not the example's.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) errors.push(`${message.text()} (${message.location().url})`);
  });
  await page.goto(url);
  const deadline = Date.now() + 180_000;
  while (!(await page.evaluate(ready))) {
    if (errors.length > 0) throw new Error(`${url}: ${errors.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`${url}: not done after 180 s`);
    await page.waitForTimeout(250);
  }
  expect(errors).toEqual([]);
  return (await page.locator('#out').textContent()) ?? '';
}

describe('the browser examples in headless Chromium', () => {
  let root: Server;
  let app: Server;
  let browser: Browser;

  beforeAll(async () => {
    await build({ configFile: join(viteApp, 'vite.config.ts'), logLevel: 'warn' });
    root = await serve(repository);
    app = await serve(join(viteApp, 'dist'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    root?.close();
    app?.close();
  });

  it('examples/plain-html trains in a worker and predicts with the compact model', async () => {
    const page = await browser.newPage();
    const { port } = root.address() as AddressInfo;
    const text = await printedBy(page, `http://127.0.0.1:${port}/examples/plain-html/index.html`, 'window.result !== undefined');
    expect(text).not.toContain('error');
    expect(text).toMatch(/^epoch 3: test accuracy [0-9.]+ %, alive \d+ \+ \d+$/m);
    const alive = /trained: populations alive (\d+) \+ (\d+) of 64 \+ 32/.exec(text);
    expect(alive).not.toBeNull();
    expect(Number(alive![1]) + Number(alive![2])).toBeLessThan(96);
    expect(text).toMatch(/compact model 784-\d+-\d+-10: first digit predicted 7 \(probability [0-9.]+ %\), label 7/);
    expect(Number(/accuracy on 1000 test images ([0-9.]+) %/.exec(text)![1])).toBeGreaterThan(85);
    await page.close();
  });

  it('examples/plain-html?model=URL loads a model trained in Node and predicts as Node does', async () => {
    const dataset = loadDataset('mnist', { trainLimit: 2000, testLimit: 1000 });
    const summary = await train({ hidden: [32], epochs: 1, seed: 2 }, { dataset, keepModel: true });
    writeFileSync(join(repository, 'test-artifacts', 'example-model.bin'), summary.model!);
    const page = await browser.newPage();
    const { port } = root.address() as AddressInfo;
    const text = await printedBy(
      page,
      `http://127.0.0.1:${port}/examples/plain-html/index.html?model=/test-artifacts/example-model.bin`,
      'window.result !== undefined',
    );
    expect(text).not.toContain('epoch');
    expect(Number(/accuracy on 1000 test images ([0-9.]+) %/.exec(text)![1])).toBe(Number((100 * summary.testAccuracy).toFixed(2)));
    await page.close();
  });

  it('examples/vite-app builds with Vite, trains in a worker and predicts', async () => {
    const page = await browser.newPage();
    const { port } = app.address() as AddressInfo;
    const text = await printedBy(page, `http://127.0.0.1:${port}/`, 'window.done === true');
    expect(text).not.toContain('error');
    expect(text).toMatch(/^epoch 3: test accuracy [0-9.]+ %/m);
    expect(Number(/compact model 784-\d+-\d+-10: accuracy on 1000 test images ([0-9.]+) %/.exec(text)![1])).toBeGreaterThan(85);
    await page.close();
  });
});

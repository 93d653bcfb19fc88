import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, train } from '../../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const site = join(root, 'dist');
const artifacts = join(root, '..', 'test-artifacts');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** What makes a page cross-origin isolated, so that wasm memory can be shared with workers. */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** A static server for `folder` on 127.0.0.1 (any free port), with the isolation headers when `isolated`. */
function serve(folder: string, isolated = false): Promise<Server> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(folder, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(folder) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', ...(isolated ? ISOLATION : {}) }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Debian's Chromium (DESIGN.md §6): playwright-core cannot download a browser here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the demo in headless Chromium', () => {
  let server: Server;
  let isolatedServer: Server;
  let repository: Server;
  let isolatedRepository: Server;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(site, 'index.html'))) throw new Error(`${site} has no build: run npm run web:build first`);
    server = await serve(site);
    isolatedServer = await serve(site, true);
    repository = await serve(join(root, '..'));
    isolatedRepository = await serve(join(root, '..'), true);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    isolatedServer?.close();
    repository?.close();
    isolatedRepository?.close();
  });

  it('a plain <script type="module"> page, no bundler, gives the same stateHash on the page and in trainInWorker', async () => {
    const config = { hidden: [32, 16], epochs: 1, seed: 5, dynamic: 'replicator' as const, eta: 0.05 };
    const page = await browser.newPage();
    const { port } = repository.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/web/e2e/plain.html?trainLimit=1000&config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    const result = await page.evaluate(
      () => (window as unknown as { result: { stateHash?: string; workerStateHash?: string; workerEpochs?: number[]; error?: string } }).result,
    );
    expect(result.error).toBeUndefined();
    const node = await train(config, { dataset: loadDataset('mnist', { trainLimit: 1000, testLimit: 500 }) });
    expect(result.stateHash).toBe(node.stateHash);
    expect(result.workerStateHash).toBe(node.stateHash);
    expect(result.workerEpochs).toEqual([1]);
    await page.close();
  });

  it('an evolving run that compacts as populations die gives the stateHash of Node, with compaction on and off, on the page and in trainInWorker', async () => {
    const config = { hidden: [32, 16], epochs: 2, seed: 5, targetSparsity: 0.5, batch: 50 };
    const page = await browser.newPage();
    const { port } = repository.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/web/e2e/plain.html?trainLimit=1000&config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    const result = await page.evaluate(() => (window as unknown as { result: { stateHash?: string; workerStateHash?: string; error?: string } }).result);
    expect(result.error).toBeUndefined();
    const dataset = loadDataset('mnist', { trainLimit: 1000, testLimit: 500 });
    let working: number[] = [];
    const node = await train(config, {
      dataset,
      onFinish: (t) => {
        working = t.workingWidths();
      },
    });
    // Populations died and the trainer computed on the compacted copy.
    expect(node.alive.reduce((a, b) => a + b, 0)).toBeLessThan(48);
    expect(working.reduce((a, b) => a + b, 0)).toBeLessThan(48);
    const off = await train(config, { dataset, compaction: false });
    expect(off.stateHash).toBe(node.stateHash);
    expect(result.stateHash).toBe(node.stateHash);
    expect(result.workerStateHash).toBe(node.stateHash);
    await page.close();
  });

  it("trains in a Web Worker and ends with Node's stateHash for the same config and seed", async () => {
    const config = { dynamic: 'exponential' as const, eta: 0.1, epochs: 3, seed: 3, trainLimit: 5000, hidden: [128, 64] };
    const page = await browser.newPage({ viewport: { width: 1150, height: 620 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const query = new URLSearchParams({ auto: '1', ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) });
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?${query}`);
    await page.waitForFunction(() => (window as unknown as { evoprune: { done: boolean } }).evoprune.done, undefined, { timeout: 240_000 });
    const inPage = await page.evaluate(() => (window as unknown as { evoprune: { stateHash?: string; error?: string; testAccuracy?: number } }).evoprune);
    expect(inPage.error).toBeUndefined();
    expect(errors).toEqual([]);
    await page.locator('#prune').fill('50');
    await page.locator('#prune').dispatchEvent('input');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'demo.png') });
    expect(await page.locator('#prune-result').textContent()).toMatch(/accuracy .* compact model 784-/);

    const mnist = loadDataset('mnist', { trainLimit: config.trainLimit, testLimit: 2000 });
    const node = await train({ ...config, telemetryEvery: 20 }, { dataset: mnist });
    expect(inPage.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(inPage.stateHash).toBe(node.stateHash);
    expect(inPage.testAccuracy).toBe(node.testAccuracy);
    await page.close();
  });

  it("the isolated demo trains on every thread (pool size, each thread's work) and ends with Node's single-threaded stateHash", async () => {
    const config = { dynamic: 'exponential' as const, eta: 0.1, epochs: 2, seed: 4, trainLimit: 3000, hidden: [256, 128] };
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const query = new URLSearchParams({ auto: '1', threads: '2', ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) });
    const { port } = isolatedServer.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?${query}`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForFunction(() => (window as unknown as { evoprune: { done: boolean } }).evoprune.done, undefined, { timeout: 240_000 });
    type Result = { stateHash?: string; error?: string; crossOriginIsolated?: boolean; threads?: { requested: number; used: number; work?: number[] } };
    const inPage = await page.evaluate(() => (window as unknown as { evoprune: Result }).evoprune);
    expect(inPage.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(inPage.crossOriginIsolated).toBe(true);
    expect(inPage.threads).toMatchObject({ requested: 2, used: 2 });
    // A silent single-threaded fallback cannot pass: both threads ran parts of the run's regions.
    expect(inPage.threads!.work).toHaveLength(2);
    for (const work of inPage.threads!.work!) expect(work).toBeGreaterThan(100);
    const mnist = loadDataset('mnist', { trainLimit: config.trainLimit, testLimit: 2000 });
    const node = await train({ ...config, telemetryEvery: 20 }, { dataset: mnist });
    expect(inPage.stateHash).toBe(node.stateHash);
    await page.close();
  });

  it('a page without isolation that asks for threads trains on one thread with the same bits, and says why', async () => {
    const config = { hidden: [32, 16], epochs: 1, seed: 5, dynamic: 'replicator' as const, eta: 0.05 };
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    const { port } = repository.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/web/e2e/plain.html?trainLimit=1000&threads=2&config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    type Result = { stateHash?: string; workerStateHash?: string; threads?: { used: number; reason?: string }; error?: string };
    const result = await page.evaluate(() => (window as unknown as { result: Result }).result);
    expect(result.error).toBeUndefined();
    expect(result.threads).toMatchObject({ used: 1 });
    expect(result.threads!.reason).toMatch(/not cross-origin isolated/);
    expect(warnings.join('\n')).toMatch(/training on 1 thread instead of 2/);
    const node = await train(config, { dataset: loadDataset('mnist', { trainLimit: 1000, testLimit: 500 }) });
    expect(result.workerStateHash).toBe(node.stateHash);
    await page.close();
  });

  it('a plain page without a bundler, isolated, trains on 2 threads in trainInWorker with the bits of Node', async () => {
    const config = { hidden: [256, 64], epochs: 1, seed: 6, targetSparsity: 0.5, batch: 128 };
    const page = await browser.newPage();
    const { port } = isolatedRepository.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/web/e2e/plain.html?trainLimit=2000&threads=2&config=${encodeURIComponent(JSON.stringify(config))}`);
    await page.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    type Result = { stateHash?: string; workerStateHash?: string; threads?: { used: number; work?: number[] }; error?: string };
    const result = await page.evaluate(() => (window as unknown as { result: Result }).result);
    expect(result.error).toBeUndefined();
    expect(result.threads).toMatchObject({ used: 2 });
    for (const work of result.threads!.work!) expect(work).toBeGreaterThan(10);
    const node = await train(config, { dataset: loadDataset('mnist', { trainLimit: 2000, testLimit: 500 }) });
    expect(result.stateHash).toBe(node.stateHash);
    expect(result.workerStateHash).toBe(node.stateHash);
    await page.close();
  });
});

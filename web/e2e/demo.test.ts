import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, nodeEngine, type TrainConfig, train, WasmModel } from '../../src/index.js';
import { drawDigit } from './draw.js';
import { launchChromium, serve } from './serve.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const site = join(root, 'dist');
const artifacts = join(root, '..', 'test-artifacts');

/** What the demo page exposes as `window.evoprune` (web/src/main.ts). */
interface DemoState {
  done: boolean;
  error?: string;
  crossOriginIsolated?: boolean;
  config: TrainConfig;
  threads?: { requested: number; used: number; work?: number[] };
  stateHash?: string;
  testAccuracy?: number;
  widths: number[];
  aliveHistory: number[][];
  compactSizes: number[];
  drawing?: { pixels: number[]; digit: number; probabilities: number[] };
}

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
    browser = await launchChromium();
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

  it('the default run (target-80) shows extinctions on labelled charts, predicts drawn digits with the compact model, downloads model.bin and ONNX, and ends with the bits of Node', async () => {
    const page = await browser.newPage({ viewport: { width: 1240, height: 900 }, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // No isolation headers here (a plain static host): the worker trains on one thread.
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?auto`);
    await page.waitForFunction(() => (window as unknown as { evoprune: { done: boolean } }).evoprune.done, undefined, { timeout: 240_000 });
    const state = await page.evaluate(() => (window as unknown as { evoprune: DemoState }).evoprune);
    expect(state.error).toBeUndefined();
    expect(errors).toEqual([]);

    // The default is the recommended evolving setup, and populations go extinct during the run.
    expect(state.config).toMatchObject({ preset: 'target-80', targetSparsity: 0.8, dynamic: 'logistic', epochs: 20, hidden: [512, 256], trainLimit: 10000 });
    const totals = state.aliveHistory.map((alive) => alive.reduce((a, b) => a + b, 0));
    const final = state.aliveHistory.at(-1)!;
    for (const [l, width] of state.widths.entries()) {
      expect(state.aliveHistory[0]![l]).toBe(width);
      expect(final[l]).toBeLessThan(0.25 * width);
    }
    // Gradually, over several telemetry records, not in one step at the end.
    expect(new Set(totals).size).toBeGreaterThan(5);
    expect(totals.indexOf(totals.at(-1)!)).toBeLessThan(0.9 * totals.length);

    // The charts are vega-lite's: titles, axis titles, legends, and one point per epoch and series.
    const texts = (id: string) => page.locator(`#${id} svg text`).allTextContents();
    expect(await texts('accuracy')).toEqual(expect.arrayContaining(['accuracy by epoch', 'epoch', 'accuracy', 'test', 'train', '20']));
    expect(await texts('loss')).toEqual(expect.arrayContaining(['cross-entropy loss by epoch', 'epoch', 'loss', 'test', 'train']));
    expect(await texts('alive')).toEqual(
      expect.arrayContaining(['populations alive (extinctions)', 'epoch', 'populations alive', 'layer 1 (512)', 'layer 2 (256)']),
    );
    expect(await texts('masses')).toEqual(expect.arrayContaining(['mass distribution of living populations', 'mass', 'populations']));
    // Whole epochs only on the epoch axes.
    const epochTicks = (await page.locator('#accuracy svg .role-axis-label text').allTextContents()).filter((t) => /^\d+$/.test(t));
    expect(epochTicks.length).toBeGreaterThan(3);
    expect(await page.locator('#accuracy svg .mark-symbol.role-mark path').count()).toBe(2 * 20);

    // Draw a 1: the compact model predicts it, with 10 probabilities that sum to 1.
    await drawDigit(page, '1');
    const { drawing, compactSizes } = await page.evaluate(() => (window as unknown as { evoprune: DemoState }).evoprune);
    expect(drawing).toBeDefined();
    expect(drawing!.pixels).toHaveLength(784);
    expect(drawing!.probabilities).toHaveLength(10);
    expect(drawing!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(drawing!.digit).toBe(1);
    expect(await page.locator('#predicted').textContent()).toBe('1');
    expect(await page.locator('#probabilities svg .mark-rect.role-mark path').count()).toBe(10);
    expect(await texts('probabilities')).toEqual(expect.arrayContaining(['digit', 'probability']));
    expect(compactSizes).toEqual([784, ...final, 10]);

    // Hard pruning starts at the run's own sparsity and goes further.
    expect(await page.locator('#prune').inputValue()).toBe('80');
    expect(await page.locator('#prune-result').textContent()).toMatch(/selection already made this many extinct/);
    await page.locator('#prune').fill('90');
    await page.locator('#prune').dispatchEvent('input');
    expect(await page.locator('#prune-result').textContent()).toMatch(/accuracy .* compact model 784-\d+-\d+-10/);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'demo.png'), fullPage: true });

    // model.bin is the trained model, ONNX its compact network: Node reads both and agrees.
    const downloaded = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
      const path = join(artifacts, download.suggestedFilename());
      await download.saveAs(path);
      return { name: download.suggestedFilename(), bytes: new Uint8Array(readFileSync(path)) };
    };
    const modelFile = await downloaded('#download-model');
    expect(modelFile.name).toBe('model.bin');
    const model = WasmModel.fromBytes(nodeEngine().wasm, modelFile.bytes);
    expect(model.sizes).toEqual([784, 512, 256, 10]);
    expect(model.alive()).toEqual(final);
    const compact = model.compact();
    const onnxFile = await downloaded('#download-onnx');
    expect(onnxFile.name).toBe('model.onnx');
    const graph = onnxProto.onnx.ModelProto.decode(onnxFile.bytes).graph!;
    expect(graph.input?.map((i) => i.name)).toEqual(['pixels']);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(onnxFile.bytes);
    const out = await session.run({ pixels: new ort.Tensor('uint8', Uint8Array.from(drawing!.pixels), [1, 784]) });
    await session.release();
    const onnxProbabilities = Array.from(out.probabilities!.data as Float32Array);
    for (const [d, p] of drawing!.probabilities.entries()) expect(onnxProbabilities[d]).toBeCloseTo(p, 5);
    expect(Array.from(compact.logits(Uint8Array.from(drawing!.pixels), 1)).map((v) => Number(v.toFixed(3)))).toEqual(
      Array.from(out.logits!.data as Float32Array).map((v) => Number(v.toFixed(3))),
    );
    compact.free();
    model.free();

    // Clearing the pad clears the prediction.
    await page.locator('#clear').click();
    await page.waitForFunction(() => (window as unknown as { evoprune: DemoState }).evoprune.drawing === undefined);
    expect(await page.locator('#predicted').textContent()).toBe('–');

    const mnist = loadDataset('mnist', { trainLimit: 10000, testLimit: 2000 });
    const node = await train(state.config, { dataset: mnist });
    expect(state.stateHash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.stateHash).toBe(node.stateHash);
    expect(state.testAccuracy).toBe(node.testAccuracy);
    expect(node.alive).toEqual(final);
    await page.close();
  });

  it("the isolated demo trains on every thread (pool size, each thread's work) and ends with Node's single-threaded stateHash", async () => {
    const config = { dynamic: 'exponential' as const, eta: 0.1, epochs: 2, seed: 4, trainLimit: 3000, hidden: [256, 128] };
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // preset= (empty): no preset, the fields alone.
    const query = new URLSearchParams({ auto: '1', threads: '2', preset: '', ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])) });
    const { port } = isolatedServer.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/?${query}`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForFunction(() => (window as unknown as { evoprune: { done: boolean } }).evoprune.done, undefined, { timeout: 240_000 });
    const inPage = await page.evaluate(() => (window as unknown as { evoprune: DemoState }).evoprune);
    expect(inPage.error).toBeUndefined();
    expect(errors).toEqual([]);
    expect(inPage.crossOriginIsolated).toBe(true);
    expect(inPage.threads).toMatchObject({ requested: 2, used: 2 });
    // A silent single-threaded fallback cannot pass: both threads ran parts of the run's regions.
    expect(inPage.threads!.work).toHaveLength(2);
    for (const work of inPage.threads!.work!) expect(work).toBeGreaterThan(100);
    expect(inPage.config).toMatchObject(config);
    expect(inPage.config.preset).toBeUndefined();
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

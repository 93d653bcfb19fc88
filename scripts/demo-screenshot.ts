/**
 * The demo after a finished default run, for the README: serves the built demo (web/dist) with the
 * cross-origin-isolation headers, as `vite preview` does, trains in Debian's Chromium with the
 * demo's default configuration, draws a 7 on the pad, and writes a screenshot. Prints how long the
 * run took and how many populations went extinct.
 *
 *   npm run web:build && npm run demo:screenshot
 *   npm run demo:screenshot -- --out /tmp/demo.png --query 'epochs=10&threads=1'
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { drawDigit } from '../web/e2e/draw.js';
import { launchChromium, serve } from '../web/e2e/serve.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'docs/demo.png' },
    /** Extra URL parameters for the demo (its form fields: preset, epochs, threads, …). */
    query: { type: 'string', default: '' },
    /** Also write the page's final state (config, alive history, timings) as JSON. */
    json: { type: 'string' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const server = await serve(join(root, 'web/dist'), true);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const { port } = server.address() as AddressInfo;
  await page.goto(`http://127.0.0.1:${port}/?auto&${values.query}`);
  await page.waitForFunction(() => (window as unknown as { evoprune: { done: boolean } }).evoprune.done, undefined, { timeout: 600_000 });
  await drawDigit(page, '7');
  type State = {
    error?: string;
    config: { preset?: string; dynamic: string; targetSparsity?: number; epochs: number; hidden: number[]; trainLimit?: number };
    threads?: { used: number };
    wallSeconds: number;
    trainSeconds: number;
    testAccuracy: number;
    sparsity: number;
    widths: number[];
    aliveHistory: number[][];
    compactSizes: number[];
    drawing: { digit: number; probabilities: number[] };
  };
  const state = await page.evaluate(() => (window as unknown as { evoprune: State }).evoprune);
  if (state.error || errors.length > 0) throw new Error(`the demo failed: ${state.error ?? errors.join('\n')}`);
  mkdirSync(dirname(values.out), { recursive: true });
  await page.screenshot({ path: values.out, fullPage: true });
  const { config } = state;
  const final = state.aliveHistory.at(-1)!;
  const extinct = state.widths.reduce((a, b) => a + b, 0) - final.reduce((a, b) => a + b, 0);
  // The first telemetry record with any extinction, and the one that reached the final counts.
  const first = state.aliveHistory.findIndex((alive) => alive.some((n, l) => n < state.widths[l]!));
  const settled = state.aliveHistory.findIndex((alive) => alive.every((n, l) => n === final[l]));
  console.log(
    [
      `config: preset ${config.preset ?? 'none'} · ${config.dynamic} · target ${config.targetSparsity ?? '-'} · ${config.epochs} epochs · hidden ${config.hidden.join(',')} · ${config.trainLimit} training images · ${state.threads?.used} thread(s)`,
      `run: ${state.wallSeconds.toFixed(1)} s from Train to summary (training ${state.trainSeconds.toFixed(1)} s)`,
      `result: test accuracy ${(100 * state.testAccuracy).toFixed(2)} % · ${extinct} of ${state.widths.reduce((a, b) => a + b, 0)} populations extinct (${(100 * state.sparsity).toFixed(1)} %) · alive ${final.join('+')} · compact ${state.compactSizes.join('-')}`,
      `extinctions: first at telemetry record ${first + 1} of ${state.aliveHistory.length}, final counts from record ${settled + 1}`,
      `drawn 7 → predicted ${state.drawing.digit} (${(100 * state.drawing.probabilities[state.drawing.digit]!).toFixed(1)} %)`,
      `wrote ${values.out}`,
    ].join('\n'),
  );
  if (values.json) writeFileSync(values.json, JSON.stringify(state));
} finally {
  await browser.close();
  server.close();
}

/**
 * Renders an SVG (e.g. a report plot) to PNG with Debian's Chromium, for places that show
 * pictures but not SVG.   npm run svg-to-png -- in.svg out.png
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: npm run svg-to-png -- <in.svg> <out.png>');
  process.exit(2);
}
const svg = readFileSync(input, 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 2 });
  await page.setContent(`<body style="margin:0;background:white">${svg}</body>`);
  await page.locator('svg').first().screenshot({ path: output });
} finally {
  await browser.close();
}
console.log(`wrote ${output}`);

// A hand that draws on the demo's pad (the end-to-end test and scripts/demo-screenshot.ts).
import type { Page } from 'playwright-core';

/** Strokes for a digit, in fractions of the pad (x right, y down), as a hand would draw them. */
export const DIGITS: Record<string, [number, number][][]> = {
  '1': [
    [
      [0.42, 0.26],
      [0.55, 0.15],
      [0.54, 0.5],
      [0.53, 0.86],
    ],
  ],
  '7': [
    [
      [0.25, 0.2],
      [0.72, 0.2],
      [0.6, 0.45],
      [0.45, 0.85],
    ],
  ],
};

/**
 * Draws `digit` on the demo's pad with mouse strokes (which the page receives as pointer events),
 * then waits until the prediction and its chart are drawn.
 */
export async function drawDigit(page: Page, digit: keyof typeof DIGITS): Promise<void> {
  // The mouse only reaches what is on screen.
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  if (!box) throw new Error('#pad is not visible');
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  for (const stroke of DIGITS[digit]!) {
    await page.mouse.move(...at(stroke[0]!));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 12 });
    await page.mouse.up();
  }
  // The pad reads its ink once a frame: two frames later the last stroke is in, then the charts draw.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.evaluate(() => (window as unknown as { evopruneSettled: () => Promise<void> }).evopruneSettled());
}

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The end-to-end suite: run by `npm run test:e2e` after `npm run web:build`, in real Chromium.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { include: ['web/e2e/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 120_000 },
});

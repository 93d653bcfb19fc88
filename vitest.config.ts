import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Test files already run side by side: each run (and every CLI a test spawns) gets one
    // thread unless the test is about threads.
    env: { EVOPRUNE_THREADS: '1' },
  },
});

// The queue's command line: help with examples, and the flags that do not go together.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

describe('evoprune worker and sweep --queue', () => {
  it('worker --help shows examples', () => {
    const r = cli(['worker', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--concurrency <n>');
  });

  it('refuses what does not fit, as usage errors (exit 2), never printing a password', () => {
    const noQueue = cli(['worker']);
    expect(noQueue.code).toBe(2);
    expect(noQueue.stderr).toContain('worker needs --queue redis://host:port');
    const sweep = cli(['sweep', join('examples', 'quick-sweep.json'), '--queue', 'redis://127.0.0.1:1', '--parallel', '2']);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain('--parallel and --threads are set on the workers of a queue');
    const scheme = cli(['worker', '--queue', 'http://:hunter2@127.0.0.1:1']);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toContain('"http://:***@127.0.0.1:1" must start with redis:// or rediss://');
    expect(scheme.stderr).not.toContain('hunter2');
  });
});

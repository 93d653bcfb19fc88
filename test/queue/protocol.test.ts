// What a worker accepts from the queue and what a coordinator accepts back, without a server.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKey, MAX_JOB_BYTES, resolveTrainConfig, validateJob } from '../../src/index.js';
import { decodeBundle, encodeBundle, RESULT_FILES } from '../../src/queue/bundle.js';
import { redactedUrl, redisOptions } from '../../src/queue/connection.js';
import { jobIdOf } from '../../src/queue/protocol.js';
import { tempDir } from '../helpers/idx.js';

const config = resolveTrainConfig({ dataset: 'idx:/data/digits', hidden: [8], epochs: 2 });
const key = configKey(config);
const data = { config, fractions: [0.5], origin: 'list[0], seed 0', sweep: 'tiny' };

describe('a job from the queue', () => {
  it('is accepted when its id is the hash of its resolved configuration', () => {
    const job = validateJob(jobIdOf(key), data);
    expect(job.key).toBe(key);
    expect(job.config).toEqual(config);
    expect(job.fractions).toEqual([0.5]);
  });

  it.each([
    ['an id that is not a run key', 'not-a-key', data, 'a job id is run- and a run key (16 hex digits), refused'],
    ['a bare run key (no run- prefix)', key, data, 'a job id is run- and a run key (16 hex digits), refused'],
    ['an id that is another configuration’s hash', 'run-0123456789abcdef', data, `its configuration hashes to ${key}, not to its id; refused`],
    ['an unknown field beside the configuration', jobIdOf(key), { ...data, command: 'rm -rf /' }, 'unknown field "command"'],
    ['an unknown field in the configuration', jobIdOf(key), { ...data, config: { ...config, shell: 'x' } }, 'config: unknown field "shell"'],
    ['a configuration the schema refuses', jobIdOf(key), { ...data, config: { ...config, hidden: [-1] } }, 'hidden.0: -1 is too small'],
    ['a pruning fraction out of range', jobIdOf(key), { ...data, fractions: [1.5] }, 'fractions.0: 1.5 is too big'],
    ['data over the size limit', jobIdOf(key), { ...data, origin: 'x'.repeat(MAX_JOB_BYTES) }, `over the limit of ${MAX_JOB_BYTES}`],
    ['no data', jobIdOf(key), undefined, 'config: missing is not an object'],
  ])('is refused for %s', (_what, id, jobData, message) => {
    expect(() => validateJob(id, jobData)).toThrow(message);
  });

  it('is printed without the control characters it may hold (no terminal escapes from Redis)', () => {
    expect(validateJob(jobIdOf(key), { ...data, origin: 'list[0]\u001b[2J\u0007' }).origin).toBe('list[0]?[2J?');
  });

  it('with --data-root, names no data outside those folders (symbolic links followed)', () => {
    const root = tempDir();
    mkdirSync(join(root, 'digits'));
    const outside = tempDir();
    symlinkSync(outside, join(root, 'escape'));
    const inside = resolveTrainConfig({ dataset: `idx:${join(root, 'digits')}`, hidden: [8] });
    expect(validateJob(jobIdOf(configKey(inside)), { ...data, config: inside }, { dataRoots: [root] }).key).toBe(configKey(inside));
    for (const dataset of [
      `idx:${outside}`,
      `idx:${join(root, 'escape')}`,
      `csv:${join(root, 'digits', 'a.csv')},/etc/passwd`,
      `fashion-mnist:${join(root, '..')}`,
    ]) {
      const c = resolveTrainConfig({ dataset, hidden: [8] });
      expect(() => validateJob(jobIdOf(configKey(c)), { ...data, config: c }, { dataRoots: [root] }), dataset).toThrow("outside the worker's --data-root");
    }
    const builtIn = resolveTrainConfig({ dataset: 'mnist', hidden: [8] });
    expect(validateJob(jobIdOf(configKey(builtIn)), { ...data, config: builtIn }, { dataRoots: [root] }).key).toBe(configKey(builtIn));
  });
});

describe("a run's files in Redis", () => {
  const files = new Map(RESULT_FILES.map((name) => [name, new TextEncoder().encode(`${name} bytes`)]));
  const rules = { allowed: RESULT_FILES, required: ['summary.json'], maxBytes: 1 << 20 };

  it('round-trip', () => {
    const bundle = decodeBundle(encodeBundle({ runId: 'abc' }, files), 'test', rules);
    expect(bundle.meta).toEqual({ runId: 'abc' });
    expect([...bundle.files.keys()]).toEqual([...RESULT_FILES]);
    expect(new TextDecoder().decode(bundle.files.get('model.bin'))).toBe('model.bin bytes');
  });

  it('are refused when they name a file outside the run, lack one, are cut short or too big', () => {
    const evil = new Map([['../../.bashrc', new Uint8Array(3)]]);
    expect(() => decodeBundle(encodeBundle({}, evil), 'test', rules)).toThrow('test: holds a file "../../.bashrc", not one of config.json');
    expect(() => decodeBundle(encodeBundle({}, new Map([['model.bin', new Uint8Array(3)]])), 'test', rules)).toThrow('test: lacks summary.json');
    const whole = encodeBundle({}, files);
    expect(() => decodeBundle(whole.subarray(0, whole.length - 3), 'test', rules)).toThrow('is truncated');
    expect(() => decodeBundle(whole, 'test', { ...rules, maxBytes: 100 })).toThrow('over the cap of 100');
    expect(() => decodeBundle(new TextEncoder().encode('hello, world, not a bundle'), 'test', rules)).toThrow('not an evoprune bundle');
  });
});

describe('queue URLs', () => {
  it('give host, port, database, user, password and TLS; the password is never shown', () => {
    expect(redisOptions({ url: 'redis://queue.lab' })).toMatchObject({ host: 'queue.lab', port: 6379, db: 0 });
    const o = redisOptions({ url: 'rediss://alice:s%40cret@10.0.0.5:6380/3' });
    expect(o).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, username: 'alice', password: 's@cret' });
    expect(o.tls).toEqual({});
    expect(redisOptions({ url: 'rediss://queue.lab:6380' }).tls).toEqual({ servername: 'queue.lab' });
    expect(redactedUrl('redis://:hunter2@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactedUrl('rediss://bob:hunter2@h:1')).toBe('rediss://bob:***@h:1');
    // Passwords with / or @ are not valid URL syntax: still nothing of them is shown, even in the error.
    expect(redactedUrl('redis://:ab/cd=@h:1')).toBe('redis://:***@h:1');
    expect(redactedUrl('redis://:p@ss@h:1/2')).toBe('redis://:***@h:1/2');
    expect(redactedUrl('redis://bob@h:1')).toBe('redis://bob@h:1');
    expect(() => redisOptions({ url: 'redis://:ab/cd=@h:1' })).toThrow(/^(?!.*ab\/cd).*$/s);
    expect(() => redisOptions({ url: 'http://:hunter2@h:1' })).toThrow('--queue: "http://:***@h:1" must start with redis:// or rediss:// (TLS)');
    expect(() => redisOptions({ url: 'redis://h:1/zero' })).toThrow('the database after the host must be a number');
    expect(() => redisOptions({ url: 'redis://h:1', ca: '/ca.pem' })).toThrow('--queue-ca is for TLS');
    expect(() => redisOptions({ url: 'rediss://h:1', ca: '/nonexistent/ca.pem' })).toThrow('cannot read the CA certificate /nonexistent/ca.pem (ENOENT)');
  });
});

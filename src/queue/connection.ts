// Where a queue lives: a Redis URL turned into connection options, the optional packages
// (bullmq, ioredis) loaded only when a queue is used, and the keys evoprune keeps beside BullMQ's.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Redis, RedisOptions } from 'ioredis';
import { ConfigError } from '../config/errors.js';

/** A queue: a Redis server and a queue name that its coordinators and workers share. */
export interface QueueConnection {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://…` for TLS. */
  url: string;
  /**
   * PEM file of the certificate authority that signed the server's certificate (rediss:// with
   * a private CA). Default: EVOPRUNE_REDIS_CA, else Node's trusted authorities.
   */
  ca?: string;
  /** Queue name (default `evoprune`). */
  name?: string;
}

export const DEFAULT_QUEUE_NAME = 'evoprune';

/** BullMQ's key prefix: every key of queue Q starts with `bull:Q:`. */
export const KEY_PREFIX = 'bull';

/** Something the queue's users should know that is not an error: a lost and regained connection, a job put back. */
export type QueueNotice = (message: string) => void;

/**
 * The URL as it may be printed: the password replaced by `***`. Everything between `user:` and
 * the last `@` is the password, even when it holds `/` or `@` (which would make it no URL at all).
 */
export function redactedUrl(url: string): string {
  const parts = /^([a-z][a-z\d+.-]*:\/\/)(.*)@([^@]*)$/is.exec(url);
  if (!parts) return url;
  const [, scheme, userinfo, rest] = parts as unknown as [string, string, string, string];
  const colon = userinfo.indexOf(':');
  return colon < 0 ? url : `${scheme}${userinfo.slice(0, colon)}:***@${rest}`;
}

/** Connection options for `url`: host, port, database, user and password, TLS with its CA. */
export function redisOptions(connection: QueueConnection): RedisOptions {
  const shown = redactedUrl(connection.url);
  let url: URL;
  try {
    url = new URL(connection.url);
  } catch {
    throw new ConfigError(`--queue: "${shown}" is not a URL like redis://host:6379 or rediss://host:6380/0`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`--queue: "${shown}" must start with redis:// or rediss:// (TLS), not ${url.protocol}//`);
  }
  if (url.hostname === '') throw new ConfigError(`--queue: "${shown}" names no host`);
  const db = url.pathname.replace(/^\/+/, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) throw new ConfigError(`--queue: "${shown}": the database after the host must be a number like /0, got /${db}`);
  if (url.search !== '' || url.hash !== '') throw new ConfigError(`--queue: "${shown}" takes no ?query or #fragment`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const password = url.password !== '' ? decodeURIComponent(url.password) : process.env.EVOPRUNE_REDIS_PASSWORD || undefined;
  const options: RedisOptions = {
    host,
    port: url.port === '' ? 6379 : Number(url.port),
    db: db === '' ? 0 : Number(db),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    // BullMQ's workers need commands to wait through a reconnection rather than fail.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(250 * times, 2000),
    connectTimeout: 10_000,
  };
  if (url.protocol === 'rediss:') {
    const caFile = connection.ca ?? (process.env.EVOPRUNE_REDIS_CA || undefined);
    let ca: Buffer | undefined;
    if (caFile !== undefined) {
      try {
        ca = readFileSync(caFile);
      } catch (error) {
        throw new ConfigError(`--queue-ca: cannot read the CA certificate ${caFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
    }
    options.tls = { ...(ca ? { ca } : {}), ...(isIP(host) === 0 ? { servername: host } : {}) };
  } else if (connection.ca !== undefined) {
    throw new ConfigError(`--queue-ca is for TLS: use a rediss:// URL, not ${shown}`);
  }
  return options;
}

/** The queue name, checked: BullMQ puts it inside Redis keys (no `:`). */
export function queueName(connection: QueueConnection): string {
  const name = connection.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new ConfigError(`--queue-name: "${name}" must be 1 to 100 letters, digits, _, . or -`);
  return name;
}

const MISSING = 'a queue needs bullmq and ioredis (optional peer dependencies of evoprune); install them with\n  npm install bullmq ioredis';

/** BullMQ, loaded when a queue is first used (sweeps on one machine never need it). */
export async function loadBullmq(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new ConfigError(MISSING);
    throw error;
  }
}

async function loadIoredis(): Promise<typeof import('ioredis').Redis> {
  try {
    return (await import('ioredis')).Redis;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') throw new ConfigError(MISSING);
    throw error;
  }
}

/** Clients closed on purpose: their last 'close' is no outage. */
const closing = new WeakSet<Redis>();

/** Closes a client from connectRedis (quietly: this is no lost connection). */
export function disconnectRedis(client: Redis): void {
  closing.add(client);
  client.disconnect();
}

/** Errors that no reconnection cures: a wrong password or user, a server that wants one, a certificate not trusted. */
const isAuthError = (error: Error) =>
  /WRONGPASS|NOAUTH|invalid password|invalid username|NOPERM|certificate|CERT_|wrong version number/i.test(
    `${error.message} ${(error as NodeJS.ErrnoException).code ?? ''}`,
  );

/**
 * A connected client, or an error that says why not within `timeoutMs`. Once connected it
 * reconnects for ever: a restarted server is waited for, and `notice` hears of the outage once
 * and of the recovery once.
 */
export async function connectRedis(connection: QueueConnection, notice: QueueNotice = () => {}, timeoutMs = 15_000): Promise<Redis> {
  const options = redisOptions(connection);
  const Redis = await loadIoredis();
  const client = new Redis({ ...options, lazyConnect: true });
  const shown = redactedUrl(connection.url);
  let lastError: Error | undefined;
  let connected = false;
  let down = false;
  // Errors repeat while the server is away: remember the last, say so once.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  client.on('close', () => {
    if (!connected || down || closing.has(client)) return;
    down = true;
    notice(`lost the connection to ${shown}${lastError ? ` (${lastError.message})` : ''}; reconnecting`);
  });
  client.on('ready', () => {
    if (down) notice(`connected to ${shown} again`);
    down = false;
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      client.disconnect();
      reject(new ConfigError(`--queue: cannot use ${shown}: ${why}`));
    };
    const timer = setTimeout(() => fail(lastError?.message ?? `no answer in ${timeoutMs / 1000} s`), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      connected = true;
      resolve();
    });
    client.on('error', (error: Error) => {
      if (!connected && isAuthError(error)) fail(error.message);
    });
    client.connect().catch((error: Error) => {
      lastError = error;
      if (isAuthError(error)) fail(error.message);
    });
  });
  return client;
}

/** The keys evoprune keeps beside BullMQ's, inside the queue's own key space. */
export function queueKeys(name: string) {
  const base = `${KEY_PREFIX}:${name}:evoprune`;
  return {
    /** A finished run's files, until every coordinator waiting for it has written them. */
    result: (id: string) => `${base}:result:${id}`,
    /** The latest checkpoint of a run in progress, for whichever worker takes the job over. */
    checkpoint: (id: string) => `${base}:checkpoint:${id}`,
    /** The coordinators waiting for a run's result (the result is deleted when the last one has it). */
    waiters: (id: string) => `${base}:waiters:${id}`,
    /** Where a coordinator hears that a result has arrived (a list of run keys it blocks on). */
    notify: (waiter: string) => `${base}:notify:${waiter}`,
  };
}

/** Tells every coordinator waiting for run ARGV[2] that its result is there (KEYS[1]: its waiters). */
export const NOTIFY_WAITERS = `for _, waiter in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local list = ARGV[1] .. waiter
  redis.call('RPUSH', list, ARGV[2])
  redis.call('EXPIRE', list, ARGV[3])
end
return 1`;

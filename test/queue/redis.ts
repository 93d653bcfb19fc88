// A real redis-server for the queue tests: on a free loopback port, without persistence (or with
// a password, or TLS only), stopped by its pid. scripts/setup-redis.sh installs it (CI runs it).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../helpers/idx.js';

export function hasRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** A port nobody listens on now (the kernel's choice, released at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const until = async (what: string, ok: () => Promise<boolean>, timeoutMs = 20_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface RedisServer {
  url: string;
  port: number;
  /** The CA certificate file a TLS server's clients need. */
  ca?: string;
  pid: () => number;
  stop: () => Promise<void>;
  /** Stops the server and starts it again on the same port (its data is gone: no persistence). */
  restart: () => Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, which is its own CA. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'redis.crt');
  const key = join(dir, 'redis.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

export async function startRedis(options: { password?: string; tls?: boolean } = {}): Promise<RedisServer> {
  if (!hasRedis()) throw new Error('redis-server is not installed: run bash scripts/setup-redis.sh (CI does)');
  const port = await freePort();
  const dir = tempDir('evoprune-redis-');
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  if (options.password) args.push('--requirepass', options.password);
  let ca: string | undefined;
  if (options.tls) {
    const { cert, key } = selfSigned(dir);
    ca = cert;
    args.push(
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      cert,
      '--tls-key-file',
      key,
      '--tls-ca-cert-file',
      cert,
      '--tls-auth-clients',
      'no',
    );
  } else {
    args.push('--port', String(port));
  }
  writeFileSync(join(dir, 'args.txt'), args.join(' '));
  let child: ChildProcess;
  const start = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await until(`redis-server on port ${port}`, () => accepts(port));
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid!, 'SIGTERM');
    await exited;
  };
  await start();
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    port,
    ca,
    pid: () => child.pid!,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}

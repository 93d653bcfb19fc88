import type { Command } from 'commander';
import type { QueueConnection, QueuedSweepStatus } from '../index.js';
import { positiveInteger } from './options.js';

/** The flags `sweep --queue` and `worker` share. */
export interface QueueFlags {
  queueName?: string;
  queueCa?: string;
  maxResultMb?: number;
}

export function addQueueOptions(command: Command): Command {
  return command
    .option('--queue-name <name>', 'the queue in that Redis server (default evoprune)')
    .option('--queue-ca <file>', 'the CA certificate (PEM) that signed a rediss:// server (default EVOPRUNE_REDIS_CA, else the system CAs)')
    .option('--max-result-mb <n>', "cap on one run's files in Redis (default 256)", positiveInteger('--max-result-mb'));
}

/** The connection and cap the flags give (the password may come from EVOPRUNE_REDIS_PASSWORD, to keep it out of `ps`). */
export function queueConnection(url: string, flags: QueueFlags): { queue: QueueConnection; maxResultBytes?: number } {
  return {
    queue: { url, ...(flags.queueName !== undefined ? { name: flags.queueName } : {}), ...(flags.queueCa !== undefined ? { ca: flags.queueCa } : {}) },
    ...(flags.maxResultMb !== undefined ? { maxResultBytes: flags.maxResultMb * 1024 * 1024 } : {}),
  };
}

export function queueStatusLine(s: QueuedSweepStatus): string {
  const current = [...s.running.entries()]
    .map(([key, p]) => {
      const where = s.workers.get(key);
      return `${key}${where ? ` on ${where}` : ''} ${p ? `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}` : 'starting'}`;
    })
    .join(' · ');
  return `runs ${s.done}/${s.total} done (${s.skipped} already finished), ${s.running.size} running, ${s.waiting} waiting, ${s.failed} failed${current ? ` · ${current}` : ''}`;
}

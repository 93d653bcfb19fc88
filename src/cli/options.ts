import { type Command, InvalidArgumentError } from 'commander';
import { MAX_THREADS } from '../index.js';

/** Commander parsers that reject bad values with the flag's name and what it expects. */
export function number(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} expects a number, got "${value}"`);
    return n;
  };
}

export function integer(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} expects an integer, got "${value}"`);
    }
    return n;
  };
}

/** An integer ≥ 1 (sizes, counts and limits: 0 or a negative count is a usage error). */
export function positiveInteger(flag: string) {
  const parse = integer(flag);
  return (value: string): number => {
    const n = parse(value);
    if (n < 1) throw new InvalidArgumentError(`${flag} expects a positive integer, got "${value}"`);
    return n;
  };
}

/** An integer ≥ 0 (seeds). */
export function nonNegativeInteger(flag: string) {
  const parse = integer(flag);
  return (value: string): number => {
    const n = parse(value);
    if (n < 0) throw new InvalidArgumentError(`${flag} expects a non-negative integer, got "${value}"`);
    return n;
  };
}

export function integerList(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^\d+$/.test(p))) {
      throw new InvalidArgumentError(`${flag} expects comma-separated positive integers like 512,256, got "${value}"`);
    }
    return parts.map(Number);
  };
}

/** Drops undefined entries so that unset flags do not override config defaults. */
export function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `--threads <n>`: threads per run, 1 to MAX_THREADS (the kernels' pool limit). */
export function threadsOption(command: Command, defaultWhat = 'all cores'): Command {
  const parse = positiveInteger('--threads');
  return command.option('--threads <n>', `threads per run (default: ${defaultWhat}, or EVOPRUNE_THREADS; every count gives the same bits)`, (value: string) => {
    const n = parse(value);
    if (n > MAX_THREADS) throw new InvalidArgumentError(`--threads expects at most ${MAX_THREADS}, got "${value}"`);
    return n;
  });
}

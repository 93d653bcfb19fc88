/**
 * What the kernels refuse, as the `kind` of the `KernelError` they throw: `refusal` (something
 * they will not do although every argument is in range, e.g. a hard pruning that would empty a
 * layer), `shape` (a length that does not match its dimensions), `data` (bad bytes: a model file,
 * a state blob, a label outside the classes), `config` (a setting, name or argument outside its
 * range or unknown, named), `limit` (sizes too big for wasm32).
 */
export type KernelErrorKind = 'refusal' | 'shape' | 'data' | 'config' | 'limit';

/** The kind of a kernel error, or undefined for any other value. */
export function kernelErrorKind(error: unknown): KernelErrorKind | undefined {
  if (error instanceof Error && error.name === 'KernelError') return (error as Error & { kind?: KernelErrorKind }).kind;
  return undefined;
}

/** Kernel errors that mean "the configuration is wrong" (a usage error) rather than "the run failed". */
export function isKernelUsageError(error: unknown): boolean {
  const kind = kernelErrorKind(error);
  return kind === 'config' || kind === 'limit';
}

// A wasm trap (a panic, an allocation failure) leaves the instance in an unknown state: a Rust
// object may stay borrowed forever ("recursive use of an object detected") and the allocator may be
// mid-update. So a trap poisons the whole instance: every later call through it fails clearly.
// nodeEngine() instantiates a fresh one; a page's engine cannot be re-instantiated (its glue keeps
// the first), so there the message says to reload or train in a worker.

/** The kernels trapped; the instance that trapped is no longer used. */
export class EngineTrapError extends Error {
  override name = 'EngineTrapError';
}

const poisoned = new WeakSet<object>();
/** What a caller can do after a trap, per guarded bindings (it depends on the entry). */
const recoveries = new WeakMap<object, string>();
const PAGE_RECOVERY = 'reload the page, or train with trainInWorker (each call starts a new worker)';

/** Whether these bindings have trapped. */
export function isPoisoned(bindings: object): boolean {
  return poisoned.has(bindings);
}

function call<T>(bindings: object, what: string, body: () => T): T {
  if (poisoned.has(bindings)) {
    throw new EngineTrapError(`${what}: these kernels trapped earlier and were dropped; ${recoveries.get(bindings) ?? PAGE_RECOVERY}`);
  }
  try {
    return body();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      poisoned.add(bindings);
      throw new EngineTrapError(`${what}: the kernels trapped (${error.message}); this engine was dropped: ${recoveries.get(bindings) ?? PAGE_RECOVERY}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A wasm-bindgen object (it owns a pointer into wasm memory). */
const isHandle = (value: unknown): value is object => typeof value === 'object' && value !== null && '__wbg_ptr' in value;

function guardHandle<T extends object>(bindings: object, handle: T, name: string): T {
  return new Proxy(handle, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'constructor') return value;
      const what = `${name}.${String(prop)}`;
      return (...args: unknown[]) =>
        wrap(
          bindings,
          call(bindings, what, () => (value as (...a: unknown[]) => unknown).apply(target, args)),
          what,
        );
    },
  });
}

function wrap(bindings: object, value: unknown, what: string): unknown {
  return isHandle(value) ? guardHandle(bindings, value, value.constructor?.name ?? what) : value;
}

/**
 * The generated bindings with every call guarded: functions, constructors, static and instance
 * methods of the handles they return. A trap poisons `bindings` (see isPoisoned); its message ends
 * with `recovery`, what the caller can do next (the entry knows).
 */
export function guardBindings<T extends object>(bindings: T, recovery = PAGE_RECOVERY): T {
  recoveries.set(bindings, recovery);
  return new Proxy(bindings, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const what = String(prop);
      const isClass = /^[A-Z]/.test(what);
      if (!isClass)
        return (...args: unknown[]) =>
          wrap(
            target,
            call(target, what, () => (value as (...a: unknown[]) => unknown)(...args)),
            what,
          );
      return new Proxy(value, {
        construct: (Class, args) =>
          wrap(
            target,
            call(target, `new ${what}`, () => Reflect.construct(Class, args)),
            what,
          ) as object,
        get: (Class, key, r) => {
          const member = Reflect.get(Class, key, r) as unknown;
          if (typeof member !== 'function' || key === 'prototype') return member;
          const label = `${what}.${String(key)}`;
          return (...args: unknown[]) =>
            wrap(
              target,
              call(target, label, () => (member as (...a: unknown[]) => unknown).apply(Class, args)),
              label,
            );
        },
      });
    },
  });
}

/** Exit code of work the user stopped with Ctrl-C (128 + SIGINT, as shells report it). */
export const INTERRUPTED_EXIT = 130;

/**
 * Runs `body` with an AbortSignal that the first Ctrl-C (SIGINT) fires, so long work stops at a
 * safe point; a second Ctrl-C exits at once (130). `beforeMessage` runs first so that a progress
 * bar is stopped and cannot redraw over the message.
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>, beforeMessage?: () => void): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT);
    beforeMessage?.();
    process.stderr.write('\nstopping at the next safe point (Ctrl-C again to exit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Counts the loops of the event loop (one `setImmediate` a loop) until stopped. */
export function countLoops(): { readonly loops: number; stop(): void } {
  let loops = 0;
  let running = true;
  const tick = () => {
    loops += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get loops() {
      return loops;
    },
    stop() {
      running = false;
    },
  };
}

/** Loops of the event loop that other work got while `work` ran. */
export async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  const counter = countLoops();
  await work();
  counter.stop();
  return counter.loops;
}

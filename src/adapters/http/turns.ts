/**
 * Turns of the event loop for the work of large bodies, shared by every request, one a loop.
 * `setImmediate` alone lets every body waiting for a turn run its step in the same check phase,
 * so with four bodies arriving at once `/healthz` waited behind four steps; here each loop runs
 * the step of one body at most, first come first served, and the poll phase (where `/healthz`
 * is read and answered) comes between any two.
 */
const waiting: (() => void)[] = [];
let scheduled = false;

function release(): void {
  const next = waiting.shift();
  // Scheduled while the check phase runs, the next release falls in the next loop.
  scheduled = waiting.length > 0;
  if (scheduled) setImmediate(release);
  next?.();
}

/** Whether steps are waiting for their turns: then a small step waits too, behind them. */
export function turnsWaiting(): boolean {
  return waiting.length > 0;
}

/** Resolves in a later loop of the event loop, after every earlier caller's turn. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(release);
    }
  });
}

/**
 * The bytes of JSON request bodies the server holds at once, received or waiting for their turn.
 * Each body is at most 4 MB, but a thousand clients uploading at once would hold 4 GB; past the
 * budget a body's bytes are read and dropped and its client is told to send it again (429).
 */
export const HELD_BODY_BYTES = 64 * 1024 * 1024;

export class BodyBudget {
  private held = 0;

  constructor(readonly maxBytes = HELD_BODY_BYTES) {}

  /** Takes `bytes` when they fit, and says whether they did. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  get inUse(): number {
    return this.held;
  }
}

/**
 * Following a group's operation: `GET .../status?changes=false` every half second
 * until the operation is no longer running. In a terminal a one-line progress bar is
 * redrawn in place (`\r`); otherwise a plain line is printed for each cluster as it
 * settles, so that logs read well.
 */
import type { GroupStatus } from '../../core/deploy/status.js';
import { describeError, type ApiClient } from './api-client.js';
import type { Output } from './output.js';
import { clusterLine, progressBar, settledInOperation } from './status-view.js';

/** Where a progress bar goes: raw writes, no newline added. */
export interface Terminal {
  /** Whether stdout is a terminal (a progress bar, colours) or a pipe or file (plain lines). */
  isTTY: boolean;
  write(text: string): void;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The request failed (404, ...): the caller prints `message`. */
export class RequestFailed extends Error {}

export async function fetchStatus(client: ApiClient, group: string, changes: boolean): Promise<GroupStatus> {
  const response = await client.request('GET', `${group}/status${changes ? '' : '?changes=false'}`);
  if (response.status !== 200) throw new RequestFailed(describeError(response));
  return response.body as GroupStatus;
}

/** What is shown while an operation runs. */
export interface ProgressView {
  update(status: GroupStatus): void;
  finish(status: GroupStatus): void;
}

/** Clusters the operation has finished with, out of all it works (those it emptied and dropped count as done). */
function tally(status: GroupStatus, known: ReadonlySet<string>): { done: number; total: number } {
  const present = new Set(status.clusters.map((cluster) => cluster.cluster));
  const gone = [...known].filter((cluster) => !present.has(cluster)).length;
  const done = status.clusters.filter((cluster) => settledInOperation(cluster, status)).length + gone;
  return { done, total: status.clusters.length + gone };
}

/** One line per cluster each time its settled state changes; emptied clusters are reported `removed`. */
export class PlainProgress implements ProgressView {
  private readonly reported = new Map<string, string>();
  private readonly known: Set<string>;

  constructor(
    private readonly print: (line: string) => void,
    before: readonly string[] = [],
  ) {
    this.known = new Set(before);
  }

  /** The lines this status adds. */
  protected lines(status: GroupStatus): string[] {
    const lines: string[] = [];
    for (const cluster of status.clusters) {
      this.known.add(cluster.cluster);
      if (!settledInOperation(cluster, status)) continue;
      const line = clusterLine(cluster);
      if (this.reported.get(cluster.cluster) === line) continue;
      this.reported.set(cluster.cluster, line);
      lines.push(line);
    }
    return lines;
  }

  protected gone(status: GroupStatus): string[] {
    const present = new Set(status.clusters.map((cluster) => cluster.cluster));
    return [...this.known]
      .filter((cluster) => !present.has(cluster) && !this.reported.get(cluster)?.endsWith(' removed'))
      .map((cluster) => {
        this.reported.set(cluster, `${cluster} removed`);
        return `${cluster} removed`;
      });
  }

  protected knownClusters(): ReadonlySet<string> {
    return this.known;
  }

  update(status: GroupStatus): void {
    for (const line of this.lines(status)) this.print(line);
  }

  finish(status: GroupStatus): void {
    this.update(status);
    if (status.operation?.status !== 'running') for (const line of this.gone(status)) this.print(line);
  }
}

/** One line redrawn in place; a failed cluster's line is printed above it, as it happens. */
export class BarProgress extends PlainProgress {
  private drawn = false;

  constructor(
    private readonly terminal: Terminal,
    before: readonly string[] = [],
  ) {
    super(() => undefined, before);
  }

  private draw(status: GroupStatus, failed: string[]): void {
    const { done, total } = tally(status, this.knownClusters());
    const above = failed.map((line) => `\r\x1b[K${line}\n`).join('');
    this.terminal.write(`${above}\r${progressBar(status, done, total)}\x1b[K`);
    this.drawn = true;
  }

  override update(status: GroupStatus): void {
    this.draw(
      status,
      this.lines(status).filter((line) => / failed: /.test(line)),
    );
  }

  override finish(status: GroupStatus): void {
    this.update(status);
    if (this.drawn) this.terminal.write('\n');
  }
}

export interface WaitResult {
  status: GroupStatus;
  timedOut: boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until the group's operation is not running (or the time is up), showing progress in `view`. */
export async function waitForOperation(
  client: ApiClient,
  group: string,
  view: ProgressView,
  options: WaitOptions,
): Promise<WaitResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const status = await fetchStatus(client, group, false);
    if (status.operation?.status !== 'running') {
      view.finish(status);
      return { status, timedOut: false };
    }
    if (now() >= deadline) {
      view.finish(status);
      return { status, timedOut: true };
    }
    view.update(status);
    await sleep(Math.max(0, Math.min(options.intervalMs, deadline - now())));
  }
}

export function progressView(terminal: Terminal | undefined, output: Output, before: readonly string[]): ProgressView {
  return terminal?.isTTY ? new BarProgress(terminal, before) : new PlainProgress((line) => output.out(line), before);
}

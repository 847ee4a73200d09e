/** What the renderer reports besides objects: problems in the model, each tied to its cause. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `ClientNotPlaced`, for scripts and docs. */
  code: string;
  message: string;
  /** The key of the intent (or other resource) that causes it. */
  resource?: string;
  /** The cluster it concerns, `provider/cluster`. */
  cluster?: string;
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const key = (diagnostic: Diagnostic) =>
    `${diagnostic.resource ?? ''}\u0000${diagnostic.cluster ?? ''}\u0000${diagnostic.code}\u0000${diagnostic.message}`;
  const unique = new Map(diagnostics.map((diagnostic) => [key(diagnostic), diagnostic]));
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, diagnostic]) => diagnostic);
}

/**
 * Path patterns as routers write them: EMCO's gorilla/mux `{variable}`, Fastify's `:variable`,
 * and a last segment `*` for "anything below". A variable matches one non-empty segment.
 */

type Segment = { literal: string } | { variable: string } | { rest: true };

export interface PathPattern {
  /** The pattern as written. */
  text: string;
  segments: readonly Segment[];
}

function segmentOf(text: string): Segment {
  if (text === '*') return { rest: true };
  const braced = /^\{([^{}]+)\}$/.exec(text);
  if (braced) return { variable: braced[1] as string };
  if (text.startsWith(':') && text.length > 1) return { variable: text.slice(1) };
  return { literal: text };
}

export function compilePattern(text: string): PathPattern {
  return { text, segments: pathSegments(text).map(segmentOf) };
}

/** A path's segments: no query or fragment, and a trailing slash ignored (as meshbridge's router ignores it). */
export function pathSegments(path: string): string[] {
  const bare = path.split(/[?#]/)[0] as string;
  const trimmed = bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
  return trimmed.split('/').slice(1);
}

/** The variables of `path` when it matches `pattern`; undefined when it does not. */
export function matchPattern(pattern: PathPattern, path: string): Record<string, string> | undefined {
  const parts = pathSegments(path);
  const variables: Record<string, string> = {};
  for (const [index, segment] of pattern.segments.entries()) {
    if ('rest' in segment) return variables;
    const part = parts[index];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (part !== segment.literal) return undefined;
    } else {
      if (part === '') return undefined;
      variables[segment.variable] = part;
    }
  }
  return parts.length === pattern.segments.length ? variables : undefined;
}

/** How many segments are fixed text: where two patterns match one path, the one with more wins, as a router would. */
export function literalCount(pattern: PathPattern): number {
  return pattern.segments.filter((segment) => 'literal' in segment).length;
}

/** The last fixed segment (`workers` of `.../{tac-intent}/workers/{workers}`): what the path is about. */
export function lastLiteral(pattern: PathPattern): string | undefined {
  const literals = pattern.segments.flatMap((segment) => ('literal' in segment ? [segment.literal] : []));
  return literals[literals.length - 1];
}

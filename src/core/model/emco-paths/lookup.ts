/** Which EMCO component owns a path, and what to tell someone who sent it to meshbridge. */
import { NotServedError } from '../../errors.js';
import { EMCO_COMPONENTS, type EmcoComponent } from './catalogue.js';
import { compilePattern, lastLiteral, literalCount, matchPattern, pathSegments, type PathPattern } from './match.js';

export interface EmcoPath {
  component: EmcoComponent;
  pattern: PathPattern;
  /** The methods EMCO's router registers on the path. */
  methods: readonly string[];
}

function parse(component: EmcoComponent, route: string): EmcoPath {
  const [methods, path] = route.split(' ') as [string, string];
  return { component, pattern: compilePattern(path), methods: methods.split(',') };
}

/** Every EMCO path, the most specific first, so that a name equal to a fixed segment goes to the fixed one. */
export const EMCO_PATHS: readonly EmcoPath[] = EMCO_COMPONENTS.flatMap((component) =>
  component.paths.map((route) => parse(component, route)),
).sort((a, b) => literalCount(b.pattern) - literalCount(a.pattern));

/** The EMCO path `path` (what follows `/v2`) is an instance of; undefined when EMCO has no such path. */
export function findEmcoPath(path: string): EmcoPath | undefined {
  return EMCO_PATHS.find((candidate) => matchPattern(candidate.pattern, path) !== undefined);
}

/** `/v2/...` (a query allowed) to what follows `/v2`; undefined for a path outside EMCO's `/v2`. */
export function pathAfterV2(url: string): string | undefined {
  const segments = pathSegments(url);
  if (segments[0] !== 'v2' || segments.length < 2) return undefined;
  return `/${segments.slice(1).join('/')}`;
}

export function adviceFor(found: EmcoPath): string {
  const subject = lastLiteral(found.pattern);
  const specific = found.component.adviceFor ?? {};
  return subject !== undefined && Object.hasOwn(specific, subject)
    ? (specific[subject] as string)
    : found.component.advice;
}

/** `POST /v2/...` is EMCO's ovnaction controller (network-controller-intent: ...), ...: what to do. */
export function notServedMessage(method: string, url: string, found: EmcoPath): string {
  const { component } = found;
  const where = `${method} ${url.split(/[?#]/)[0]}`;
  const subject = lastLiteral(found.pattern) ?? found.pattern.text;
  const owner = component.partOfMeshbridge
    ? `EMCO's ${component.title} path for ${subject}, which meshbridge does not serve`
    : `a path of EMCO's ${component.title} (${component.role}), which is not part of meshbridge`;
  return `${where} is ${owner}; ${adviceFor(found)}`;
}

/** The answer for a request meshbridge has no route for, when EMCO has the path; undefined otherwise. */
export function notServedError(method: string, url: string): NotServedError | undefined {
  const path = pathAfterV2(url);
  const found = path === undefined ? undefined : findEmcoPath(path);
  if (found === undefined) return undefined;
  return new NotServedError(notServedMessage(method, url, found), [
    {
      path: url.split(/[?#]/)[0] as string,
      message: `EMCO's ${found.component.id} serves ${found.methods.join(', ')} on /v2${found.pattern.text} (${found.component.source})`,
    },
  ]);
}

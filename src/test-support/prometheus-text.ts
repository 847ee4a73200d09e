/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line
 * must be a `# HELP`, a `# TYPE`, a sample of a family whose TYPE came before it, or empty;
 * anything else throws, naming the line. prom-client writes the format but has no parser.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
  value(name: string, labels?: Record<string, string>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE}`;
/** Go's ParseFloat, which Prometheus uses, reads NaN and Inf in any case (prom-client writes `Nan`). */
const VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[nN][aA][nN]|[-+]?[iI][nN][fF])';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL_PAIR = new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${LABEL_VALUE})`, 'g');
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const [family, type] of types) {
    if ((SUFFIXES[type] ?? []).some((suffix) => suffix !== '' && name === `${family}${suffix}`)) return family;
  }
  return undefined;
}

function parseSample(line: string, types: Map<string, string>): Sample {
  const match = SAMPLE.exec(line);
  if (!match) throw new Error(`not a sample: ${JSON.stringify(line)}`);
  const [, name = '', labelText = '', raw = ''] = match;
  if (familyOf(name, types) === undefined) throw new Error(`sample of an undeclared family: ${JSON.stringify(line)}`);
  const labels: Record<string, string> = {};
  for (const [, key = '', quoted = ''] of labelText.matchAll(LABEL_PAIR)) labels[key] = unescape(quoted);
  const special: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity };
  const value = special[raw.toLowerCase()] ?? Number(raw);
  return { name, labels, value };
}

export function parsePrometheusText(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || HELP.test(line)) continue;
    const type = TYPE.exec(line);
    if (type) {
      if (types.has(type[1] as string)) throw new Error(`TYPE given twice: ${line}`);
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    samples.push(parseSample(line, types));
  }
  const value = (name: string, labels: Record<string, string> = {}) => {
    const found = samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, item]) => sample.labels[key] === item),
    );
    if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return found[0]?.value ?? 0;
  };
  return { types, samples, value };
}

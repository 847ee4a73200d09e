/** Terminal output: aligned tables and YAML for people, JSON for scripts. */
import { toYaml } from '../../core/yaml/output.js';

export type OutputFormat = 'table' | 'yaml' | 'json';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] as number)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function formatData(data: unknown, format: OutputFormat): string {
  return format === 'json' ? JSON.stringify(data, null, 2) : toYaml(data).trimEnd();
}

export function parseFormat(value: string | undefined, fallback: OutputFormat): OutputFormat {
  if (value === undefined) return fallback;
  if (value === 'table' || value === 'yaml' || value === 'json') return value;
  throw new Error(`unknown output format ${value}: use table, yaml or json`);
}

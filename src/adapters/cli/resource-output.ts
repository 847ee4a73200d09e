/**
 * kubectl's `-o` for every command that prints resources, in one place: `table` (the
 * default), `wide` (more columns), `name` (one line per resource: the path `get` takes,
 * or `kind/name` where there is none) and `yaml` / `json` (the whole data, as the API
 * answered it). Lists use a `ResourceView`, single answers (a status, a route check)
 * a `DocumentView`; commands pick the view, never their own formats.
 */
import { Option } from 'commander';
import { formatData, table, type Output } from './output.js';

export const RESOURCE_FORMATS = ['table', 'wide', 'name', 'yaml', 'json'] as const;
export type ResourceFormat = (typeof RESOURCE_FORMATS)[number];

/** `-o`; `fallback` when the command's default is not `table` (render: `yaml`). */
export const resourceOutputOption = (fallback?: ResourceFormat) => {
  const option = new Option('-o, --output <format>', 'table, wide, name, yaml or json').choices(RESOURCE_FORMATS);
  return fallback === undefined ? option : option.default(fallback);
};

export function parseResourceFormat(value: string | undefined, fallback: ResourceFormat): ResourceFormat {
  if (value === undefined) return fallback;
  if ((RESOURCE_FORMATS as readonly string[]).includes(value)) return value as ResourceFormat;
  throw new Error(`unknown output format ${value}: use ${RESOURCE_FORMATS.join(', ')}`);
}

/** How one kind of listed item is shown. */
export interface ResourceView<T> {
  headers: string[];
  row(item: T): string[];
  /** Columns `wide` adds after the table's. */
  wideHeaders: string[];
  wideRow(item: T): string[];
  /** The line `-o name` prints. */
  nameOf(item: T): string;
  /** What the table says when there is nothing. */
  empty: string;
}

/** The items in `format`; `data` is what yaml and json print (the items unless given). */
export function printResources<T>(
  items: T[],
  format: ResourceFormat,
  view: ResourceView<T>,
  output: Output,
  data: unknown = items,
): void {
  if (format === 'yaml' || format === 'json') return output.out(formatData(data, format));
  if (format === 'name') {
    if (items.length > 0) output.out(items.map((item) => view.nameOf(item)).join('\n'));
    return;
  }
  if (items.length === 0) return output.out(view.empty);
  const wide = format === 'wide';
  output.out(
    table(
      wide ? [...view.headers, ...view.wideHeaders] : view.headers,
      items.map((item) => (wide ? [...view.row(item), ...view.wideRow(item)] : view.row(item))),
    ),
  );
}

/** How a single answer is shown: a table for people, more for `wide`, the lines `-o name` prints. */
export interface DocumentView<T> {
  table(data: T): string;
  /** `-o wide`; the table when absent. */
  wide?(data: T): string;
  names(data: T): string[];
}

export function printDocument<T>(data: T, format: ResourceFormat, view: DocumentView<T>, output: Output): void {
  if (format === 'yaml' || format === 'json') return output.out(formatData(data, format));
  if (format === 'name') {
    const names = view.names(data);
    if (names.length > 0) output.out(names.join('\n'));
    return;
  }
  output.out(format === 'wide' && view.wide ? view.wide(data) : view.table(data));
}

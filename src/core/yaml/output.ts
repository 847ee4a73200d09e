/**
 * Every YAML that meshbridge writes for others to read: render output (`GET /v2/render` as YAML,
 * CLI `-o yaml`), GitOps files, diffs, kubeconfigs and bootstrap manifests. One serializer,
 * js-yaml's `dump`, which is several times faster than the `yaml` package's `stringify` on a
 * fleet's output (`bench/render.ts` prints both next to `JSON.stringify`). The `yaml` package
 * stays for reading: it reports errors with positions and keeps comments for the files
 * meshbridge edits in place (a GitOps kustomization).
 *
 * The options make the text a function of the value alone: no line folding however long a
 * string (`lineWidth: -1`), no anchors and aliases for repeated objects (`noRefs`), keys in the
 * order the value has them. js-yaml quotes every string that a YAML 1.1 reader would take for
 * something else (`'yes'`, `'on'`, `'12:30'`, `'2001-12-14'`), and, with the type below, the
 * numbers of YAML 1.1 too, so the Go readers of kubectl and Argo CD (sigs.k8s.io/yaml, YAML 1.1
 * scalars) read the strings meshbridge wrote (`output.test.ts` reads every value back as 1.1).
 */
import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';

/**
 * Strings that a YAML 1.1 reader takes for a number although js-yaml's YAML 1.2 schema does not:
 * digits with underscores (`1_000`: sigs.k8s.io/yaml's go-yaml v2 drops the underscores and reads
 * an int), 1.1's looser floats (`.`, `+.5`) and base-60 numbers (`1:20`). A type that only reads
 * them: declaring it makes `dump` quote such strings, as it quotes everything its schema would read
 * as something else, and it never matches a value, so nothing is written with it.
 */
const YAML_11_NUMBERS = new Type('tag:meshbridge.io,2026:yaml-1.1-number', {
  kind: 'scalar',
  resolve: (text: string) =>
    /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)$/.test(text) ||
    /^[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?$/.test(text) ||
    /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/.test(text),
  construct: (text: string) => text,
});

const SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [YAML_11_NUMBERS] });

// skipInvalid: a field holding `undefined` is left out, as JSON.stringify and the `yaml` package do.
const OPTIONS = { schema: SCHEMA, lineWidth: -1, noRefs: true, sortKeys: false, skipInvalid: true } as const;

/** One YAML document for `value`, ending with a newline. */
export function toYaml(value: unknown): string {
  return dump(value, OPTIONS);
}

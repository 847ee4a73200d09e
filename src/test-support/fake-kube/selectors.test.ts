import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  type Operator,
  type Requirement,
} from './selectors.js';
import { KubeError } from './status.js';

const MANAGED = { 'app.kubernetes.io/managed-by': 'meshbridge', tier: 'edge' };

function selects(selector: string, labels: Record<string, string> | undefined): boolean {
  return matchesLabels(parseLabelSelector(selector), labels);
}

describe('label selectors', () => {
  it('parses every operator', () => {
    expect(parseLabelSelector('a=b, c==d,e!=f, g, !h, i in (x, y), j notin (z), k>1, l<2')).toEqual([
      { key: 'a', operator: 'equals', values: ['b'] },
      { key: 'c', operator: 'equals', values: ['d'] },
      { key: 'e', operator: 'notEquals', values: ['f'] },
      { key: 'g', operator: 'exists', values: [] },
      { key: 'h', operator: 'doesNotExist', values: [] },
      { key: 'i', operator: 'in', values: ['x', 'y'] },
      { key: 'j', operator: 'notIn', values: ['z'] },
      { key: 'k', operator: 'gt', values: ['1'] },
      { key: 'l', operator: 'lt', values: ['2'] },
    ]);
  });

  it('matches like the API server', () => {
    expect(selects('', undefined)).toBe(true);
    expect(selects('app.kubernetes.io/managed-by=meshbridge', MANAGED)).toBe(true);
    expect(selects('app.kubernetes.io/managed-by=meshbridge', { tier: 'edge' })).toBe(false);
    expect(selects('app.kubernetes.io/managed-by=meshbridge,tier=core', MANAGED)).toBe(false);
    expect(selects('tier!=core', {})).toBe(true);
    expect(selects('tier notin (core)', {})).toBe(true);
    expect(selects('tier in (core, edge)', MANAGED)).toBe(true);
    expect(selects('!tier', MANAGED)).toBe(false);
    expect(selects('tier', MANAGED)).toBe(true);
    expect(selects('v>3', { v: '10' })).toBe(true);
    expect(selects('v>3', { v: 'ten' })).toBe(false);
    expect(selects('tier=', { tier: '' })).toBe(true);
  });

  it.each(['a=b,', 'a in ()', 'a in (b', 'a b', '=b', 'a>x', 'a=b c', 'bad key=x', `a=${'x'.repeat(64)}`, ',', '!'])(
    'rejects %j with a 400',
    (selector) => {
      let thrown: unknown;
      try {
        parseLabelSelector(selector);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(KubeError);
      expect((thrown as KubeError).code).toBe(400);
    },
  );
});

describe('field selectors', () => {
  it('selects by metadata.name and metadata.namespace', () => {
    const byName = parseFieldSelector('metadata.name=a,metadata.namespace!=kube-system');
    expect(matchesFields(byName, 'a', 'default')).toBe(true);
    expect(matchesFields(byName, 'a', 'kube-system')).toBe(false);
    expect(matchesFields(byName, 'b', 'default')).toBe(false);
    expect(() => parseFieldSelector('spec.hosts=a')).toThrow('field label not supported: spec.hosts');
  });
});

// A reference model of selector semantics, independent of the parser.
const KEYS = ['app', 'tier', 'example.com/team'];
const VALUES = ['a', 'b', 'c-1'];

function model(requirement: Requirement, labels: Record<string, string>): boolean {
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'exists':
      return value !== undefined;
    case 'doesNotExist':
      return value === undefined;
    case 'equals':
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notEquals':
    case 'notIn':
      return value === undefined || !requirement.values.includes(value);
    default:
      throw new Error(`not modelled: ${requirement.operator}`);
  }
}

const requirement: fc.Arbitrary<Requirement> = fc
  .record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom<Operator>('equals', 'notEquals', 'in', 'notIn', 'exists', 'doesNotExist'),
    values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
  })
  .map(({ key, operator, values }) => {
    if (operator === 'exists' || operator === 'doesNotExist') return { key, operator, values: [] };
    if (operator === 'equals' || operator === 'notEquals') return { key, operator, values: values.slice(0, 1) };
    return { key, operator, values };
  });

interface Style {
  space: string;
  doubleEquals: boolean;
}

function render(requirements: Requirement[], style: Style): string {
  const s = style.space;
  return requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'exists':
          return key;
        case 'doesNotExist':
          return `!${s}${key}`;
        case 'equals':
          return `${key}${s}${style.doubleEquals ? '==' : '='}${s}${values[0]}`;
        case 'notEquals':
          return `${key}${s}!=${s}${values[0]}`;
        default:
          return `${key} ${operator === 'in' ? 'in' : 'notin'}${s}(${values.join(`${s},${s}`)})`;
      }
    })
    .join(`${s},${s}`);
}

const style = fc.record({ space: fc.constantFrom('', ' ', '  '), doubleEquals: fc.boolean() });
const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });

describe('selector properties', () => {
  it('parsing a rendered selector gives back its requirements, whatever the spacing', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), style, (requirements, chosen) => {
        expect(parseLabelSelector(render(requirements, chosen))).toEqual(requirements);
      }),
    );
  });

  it('matching agrees with the model: every requirement must hold', () => {
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 4 }), style, labels, (requirements, chosen, labelSet) => {
        const expected = requirements.every((one) => model(one, labelSet));
        expect(matchesLabels(parseLabelSelector(render(requirements, chosen)), labelSet)).toBe(expected);
      }),
    );
  });

  it('negations are complements', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), labels, (key, value, labelSet) => {
        expect(selects(`${key}!=${value}`, labelSet)).toBe(!selects(`${key}=${value}`, labelSet));
        expect(selects(`${key} notin (${value})`, labelSet)).toBe(!selects(`${key} in (${value})`, labelSet));
        expect(selects(`!${key}`, labelSet)).toBe(!selects(key, labelSet));
      }),
    );
  });

  it('any text either parses or is a 400 Status, never another error', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '=', '!', '(', ')', ',', ' ', 'in', 'notin', '/', '.') }),
        (text) => {
          try {
            parseLabelSelector(text);
          } catch (error) {
            expect(error).toBeInstanceOf(KubeError);
            expect((error as KubeError).code).toBe(400);
          }
        },
      ),
    );
  });
});

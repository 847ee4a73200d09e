import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The architecture, enforced: the core imports no adapter and no service; adapters never import each other. */
const layers = {
  core: ['**/service/**', '**/adapters/**', '**/compose*', '**/main*'],
  service: ['**/adapters/**', '**/compose*', '**/main*'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.meshbridge/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      complexity: ['error', 15],
      'max-depth': ['error', 4],
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-params': ['error', 5],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: layers.core, message: 'The core is pure: it imports no service, adapter or composition code.' },
            { group: ['node:fs*', 'node:http*', 'node:child_process', 'fs', 'http'], message: 'The core does no I/O.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/service/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: layers.service, message: 'Services see adapters only through ports.' }] },
      ],
    },
  },
  {
    files: ['src/adapters/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/http/**', '**/adapters/cli/**'], message: 'Adapters do not import each other.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/storage/**', '**/adapters/cli/**'], message: 'Adapters do not import each other.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/storage/**', '**/adapters/http/**'], message: 'Adapters do not import each other.' },
          ],
        },
      ],
    },
  },
  {
    // Both deploy targets (kubernetes, gitops) see the port in service/deploy/target.ts and the core, no other adapter.
    files: ['src/adapters/targets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/http/**', '**/adapters/cli/**', '**/adapters/storage/**'],
              message: 'Adapters do not import each other.',
            },
            {
              // The same, written relative to a target's folder.
              group: ['../../http/**', '../../cli/**', '../../storage/**', '../http/**', '../cli/**', '../storage/**'],
              message: 'Adapters do not import each other.',
            },
            {
              group: ['../gitops/**', '../kubernetes/**', '**/targets/gitops/**', '**/targets/kubernetes/**'],
              message: 'One deploy target does not import the other; share through the port or the core.',
            },
          ],
        },
      ],
    },
  },
  {
    // The web page is browser code bundled on its own: it imports nothing of the server.
    files: ['src/adapters/web/page/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!./**', 'node:*'],
              message: 'The web page imports only its own files and browser libraries.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test-support/**'],
    rules: { 'max-lines': 'off', complexity: 'off', 'no-restricted-imports': 'off' },
  },
);

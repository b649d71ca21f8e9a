// Lint enforces the design: type-aware rules, and the layer rules of docs/architecture
// (domain <- ports <- roles; only adapters import drivers).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

const drivers = [
  'better-sqlite3',
  'pg',
  'redis',
  '@platformatic/kafka',
  'undici',
  'node:http',
  'node:https',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'tools/kafka/lib/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/ports/**',
                '**/roles/**',
                '**/adapters/**',
                '**/api/**',
                '**/config/**',
                '**/main/**',
              ],
              message: 'domain is pure: it imports nothing outside src/domain',
            },
            { group: ['node:*', ...drivers, 'fastify', 'pino'], message: 'domain is pure: no I/O' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/roles/**', '**/adapters/**', '**/api/**', '**/main/**', ...drivers],
              message: 'ports depend on the domain only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/roles/**/*.ts', 'src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/adapters/**', '**/main/**', ...drivers],
              message: 'roles and api use ports; only adapters import drivers',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard runs in the browser and talks to the service over HTTP only.
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**', 'node:*', ...drivers, 'fastify'],
              message: 'the dashboard is a client of the REST API only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/vite.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);

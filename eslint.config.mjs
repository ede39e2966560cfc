import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'web-client/dist/', 'var/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    // Type-aware: floating and misused promises are errors (a missed await is a lost failure).
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // The protocol library runs in Node and in the browser: no I/O, no platform.
    files: ['jingle/**/*.ts'],
    ignores: ['jingle/**/*.test.ts', 'jingle/fixtures/**'],
    rules: {
      // Type-only imports (e.g. mediasoup's RtpParameters) vanish at build time.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'dgram', 'http', 'https', 'os', 'child_process'],
              message: 'jingle/ is pure: no I/O',
            },
            {
              group: ['mediasoup', 'mediasoup/*', '@xmpp/client', '@xmpp/component', '../*'],
              message: 'jingle/ is pure',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Entry points, scripts, tests and benchmarks may print.
    files: ['server/main.ts', 'scripts/**', 'bench/**', 'test/**', '**/*.test.ts', '*.js', '*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain JavaScript (configs, build scripts) is not in the TypeScript project.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

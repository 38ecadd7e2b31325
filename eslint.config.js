// ESLint for the project's JavaScript: `npm run lint`.
//
// Every file is an ES module (package.json has "type": "module"). The base is ESLint's
// recommended set; on top of it only rules that catch mistakes this code base can actually make,
// none that are about taste (layout is left to the surrounding code):
//
// - no-unused-vars: a name declared and never read is usually a bug (a result dropped, a wrong
//   variable used instead). Parameters are checked only after the last one used, since a
//   callback's earlier parameters are fixed by its caller; a leading `_` marks a name kept on
//   purpose, and `...rest` siblings may be left unread (that is how a field is left out of a copy).
// - eqeqeq: `==` converts types (`'0' == 0`); comparisons are strict, except `x == null`, which
//   tests null and undefined at once.
// - no-var, prefer-const: block scope only, and a binding that never changes says so.
// - no-shadow: a callback's `state` or `data` hiding the outer one is a classic way to read the
//   wrong value in views that pass the same names around.
// - array-callback-return: a `map`/`filter`/`find` callback that forgets to return.
// - no-template-curly-in-string: `${x}` inside quotes instead of backticks.
// - no-self-compare, no-unmodified-loop-condition, no-unreachable-loop, no-constructor-return:
//   loops and comparisons that cannot do what they look like.
// - no-throw-literal, prefer-promise-reject-errors: throw and reject Errors, so every failure
//   carries a message and a stack, and the page's error routing (which reads `.message`) works.
// - no-eval, no-implied-eval, no-new-func: code from strings is forbidden by the page's
//   Content-Security-Policy anyway; fail here rather than in the browser.
//
// Left out on purpose: no-implicit-globals (it only concerns classic scripts, and every file is a
// module), no-console (the scripts and the benchmark report on the console), and style rules.
//
// Globals follow where each file runs: the browser for the page and the element, a worker as
// well for worker.js (the same bundle is the page's script and its worker), Node for the build,
// the scripts and the unit tests; the Playwright tests and the benchmark driver have browser
// globals too, because their `page.evaluate` callbacks run in the page. bench/bench.js is the
// benchmark page's own script, so it runs in the browser.

import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    // Built, downloaded or generated files, and folders of other tools.
    ignores: [
      'www/dist/',
      'pkg/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'bench-results/',
      'target*/',
      'models/',
      'dist/',
      '.venv/',
      'training/',
      'trained/',
      'www/src/generated/',
    ],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      'no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-shadow': ['error', { builtinGlobals: false, hoist: 'functions' }],
      'array-callback-return': ['error', { checkForEach: false }],
      'no-template-curly-in-string': 'error',
      'no-self-compare': 'error',
      'no-unmodified-loop-condition': 'error',
      'no-unreachable-loop': 'error',
      'no-constructor-return': 'error',
      'no-throw-literal': 'error',
      'prefer-promise-reject-errors': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['www/src/**/*.js', 'www/docs/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['www/src/worker.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['**/*.mjs', 'www/tests/**/*.js', 'playwright.config.js', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['tests/e2e/**/*.js', 'scripts/bench-wasm.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];

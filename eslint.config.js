/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, so the boundary test can require it */
/**
 * Lint config, including the import boundaries between the rooms of the architecture (README
 * "Architecture"): each folder of src/ imports only what its room allows.
 * test/unit/import-boundaries.test.ts lints a violating file for every room, so a rule that stops
 * firing fails the suite. CommonJS so that test can require it.
 */
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

/** The folders of src/ that import the emulator nowhere (only `cvm-image emulator` and npm start's dynamic import may). */
const PIPELINE = 'contract|workflows|activities|cloud|client|cli|codec|temporal|devserver|worker|main';

/** A relative import of a top-level folder (or file) of src/, from any depth below it. */
const upTo = (names) => `^(\\.\\./)+(${names})(/.*)?$`;

const rule = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

const NO_EMULATOR = {
  regex: upTo('emulator'),
  message: 'The runtime never imports src/emulator (only the `cvm-image emulator` command does).',
};

/** @type {Record<string, { files: string[], ignores?: string[], patterns: object[] }>} */
const ROOMS = {
  contract: {
    files: ['src/contract/**/*.ts'],
    patterns: [
      {
        regex: '^(?!@temporalio/(common|workflow)$|\\./[^/]+$).*',
        message: 'src/contract holds shared names only: it imports Temporal definitions and its own files.',
      },
    ],
  },
  workflows: {
    files: ['src/workflows/**/*.ts'],
    patterns: [
      {
        regex: '^\\.\\./activities(/.*)?$',
        allowTypeImports: true,
        message: 'Workflows import activities as types only (`import type`): activity code is not deterministic.',
      },
      {
        regex:
          '^(?!@temporalio/(workflow|common)$|zod$|\\./|\\.\\./contract(/.*)?$|\\.\\./activities(/.*)?$|\\.\\./tencent/[\\w-]+\\.json$).*',
        message:
          'Workflow code must stay deterministic: it imports @temporalio/workflow, src/contract, zod, its own ' +
          'files and Tencent facts as data (src/tencent/*.json): no Node built-ins, no SDK, no other room.',
      },
    ],
  },
  activities: {
    files: ['src/activities/**/*.ts'],
    patterns: [
      {
        regex: upTo('workflows|client|cli|worker|main'),
        message: 'Activities import src/contract, never workflows, client or CLI.',
      },
      {
        regex: '^@temporalio/(workflow|worker)$',
        message: 'Activities use @temporalio/activity, not workflow or worker APIs.',
      },
      NO_EMULATOR,
    ],
  },
  cloud: {
    files: ['src/cloud/**/*.ts'],
    patterns: [
      { regex: upTo(PIPELINE.replace('cloud|', '')), message: 'src/cloud builds SDK clients from config only.' },
      NO_EMULATOR,
    ],
  },
  client: {
    files: ['src/client/**/*.ts'],
    patterns: [
      {
        regex: upTo('activities|cli|worker|main|cloud'),
        message: 'The client library starts and follows workflows; it runs no activities.',
      },
      { regex: '^@temporalio/worker$', message: 'The client library never runs a worker.' },
      NO_EMULATOR,
    ],
  },
  cli: {
    files: ['src/cli/**/*.ts'],
    ignores: ['src/cli/commands/emulator.ts'],
    patterns: [
      {
        regex: upTo('activities|workflows|worker|cloud'),
        message: 'The CLI goes through src/client (and src/contract).',
      },
      NO_EMULATOR,
    ],
  },
  runtime: {
    files: ['src/codec/**/*.ts', 'src/temporal/**/*.ts', 'src/devserver/**/*.ts'],
    patterns: [NO_EMULATOR],
  },
  root: {
    // src/main.ts may load the emulator with a dynamic import() (not matched by this rule) when it embeds one.
    files: ['src/*.ts'],
    patterns: [{ regex: '^\\./emulator(/.*)?$', message: NO_EMULATOR.message }],
  },
  emulator: {
    files: ['src/emulator/**/*.ts'],
    patterns: [
      {
        regex: upTo(PIPELINE),
        message: 'The emulator imports nothing of the pipeline: it models Tencent, not our code.',
      },
      { regex: '^@temporalio/', message: 'The emulator imports nothing of the pipeline (nor Temporal).' },
    ],
  },
};

module.exports = tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '.tools/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: { module: 'writable', require: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...Object.values(ROOMS).map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: rule(...patterns),
  })),
  // Workflow code runs in the deterministic sandbox: no console either.
  { files: ['src/workflows/**/*.ts'], rules: { 'no-console': 'error' } },
);
module.exports.ROOMS = ROOMS;

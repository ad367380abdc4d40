/**
 * Unit tests (pure logic), timing tests (time-skipping test server, stub activities) and integration tests
 * (real dev server + emulator + real SDK). What a test logs is shown only when it fails (quiet-environment.ts).
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// Modules loaded once per jest worker, not once per test file (test/helpers/quiet-environment.ts says which and why).
const moduleNameMapper = {
  '^@temporalio/proto$': '<rootDir>/test/helpers/shared-modules/temporalio-proto.js',
  '^zod$': '<rootDir>/test/helpers/shared-modules/zod.js',
};
module.exports = {
  // Integration tests also wait on servers and child processes, so on 2 cores more workers than cores (each
  // with its own dev server, see test/helpers/global-setup.ts) keep the CPU busy. Cold clean clones, `CI=true
  // bash .ci/run`, 2026-12-01: 4 workers jest 328 s, 5 workers jest 301 s (CPU idle mostly 0–5 % meanwhile),
  // 6 workers jest 313 s (a sixth server's CPU, and no idle left to fill).
  maxWorkers: 5,
  testSequencer: '<rootDir>/test/helpers/sequencer.js',
  // Per-project testTimeout is ignored by jest; integration tests wait on real servers.
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/helpers/quiet-environment.ts',
      transform,
      moduleNameMapper,
    },
    {
      // Workflow timing logic on Temporal's time-skipping test server, with stub activities.
      displayName: 'timing',
      testMatch: ['<rootDir>/test/timing/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/helpers/quiet-environment.ts',
      transform,
      moduleNameMapper,
      setupFiles: ['<rootDir>/test/helpers/quiet-runtime.ts'],
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      testEnvironment: '<rootDir>/test/helpers/quiet-environment.ts',
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      setupFiles: ['<rootDir>/test/helpers/quiet-runtime.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/runtime-teardown.ts'],
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};

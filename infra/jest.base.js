// Shared jest settings of the infra workspaces (and, re-exported, of the whole monorepo): TypeScript
// through SWC (transpile only; `tsc` typechecks), native ESM.
export function jestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
      ],
    },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testTimeout: 60_000,
    // A failed afterAll can leave a server open; never let that hang CI.
    forceExit: true,
    ...overrides,
  };
}

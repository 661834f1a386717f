// Jest runs TypeScript as native ES modules (NestJS 12 is ESM-only), through ts-jest.
// `npm test` runs both projects: unit specs beside the code, e2e specs under test/.
const moduleNameMapper = {
  '^@huashu/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
};
const common = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper,
  transform,
  // node + the host realm's typed arrays (native addons return them): see the file.
  testEnvironment: '<rootDir>/test/support/node-environment.mjs',
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
  testTimeout: 60000,
  // Most suites wait on Redis and HTTP, so two workers keep both cores busy.
  maxWorkers: 2,
};

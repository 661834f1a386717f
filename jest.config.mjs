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
  // A worker keeps every test file's module graph (VM contexts leak, nodejs/node#33439): with 183 suites
  // each booting the app and its models, a worker passed 4 GB of heap, ran out of memory and crashed one
  // suite, and garbage collection near the limit stretched the run from ~5 to ~22 minutes. Jest recycles
  // a worker between test files once its heap passes this (jest #13056).
  workerIdleMemoryLimit: '1.5GB',
};

const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.jest.json' }];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
};

/** @type {import('jest').Config} */
export default {
  globalSetup: '<rootDir>/test/support/redis-server.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      rootDir: '.',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
        '<rootDir>/test/support/**/*.spec.ts',
      ],
    },
    ...['express', 'fastify'].map((adapter) => ({
      ...shared,
      displayName: `e2e-${adapter}`,
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globals: { TEST_HTTP_ADAPTER: adapter },
    })),
  ],
  // e2e apps start real MCP servers and redis-servers; a loaded 2-core CI needs room.
  testTimeout: 30_000,
};

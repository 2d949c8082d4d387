import type { KnipConfig } from 'knip';

// Unused files, exports and dependencies (`npm run lint`). Knip's Nest, Jest, ESLint and TypeScript
// plugins enable themselves from package.json: the Jest plugin reads jest.config.js and adds its
// globalSetup (test/support/redis-server.ts) and globalTeardown (test/support/global-teardown.ts).
// Nest providers, controllers and modules are all imported by their module files, so dependency
// injection needs no special case; knip 6 does not report class members, so controller handlers and
// lifecycle hooks that only Nest calls are never flagged.
const config: KnipConfig = {
  entry: [
    'src/main.ts',
    'scripts/*.{ts,mjs}',
    'bench/*.ts',
    '{src,scripts,test}/**/*.spec.ts',
    'test/**/*.e2e-spec.ts',
    // Started as a child process by path (test/support/mcp-server-process.ts), never imported.
    'test/support/test-mcp-server.ts',
  ],
  project: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.{ts,mjs}', 'bench/**/*.ts'],
  ignoreDependencies: [
    // nest-cli.json's schematic collection, used only by `nest generate`; it comes with @nestjs/cli.
    '@nestjs/schematics',
  ],
  // Installed by .ci/run (apt) and started by the jest global setup; not an npm package.
  ignoreBinaries: ['redis-server'],
};

export default config;

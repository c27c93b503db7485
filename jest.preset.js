/**
 * The one Jest setup every project extends: ESM, TypeScript through @swc/jest with decorator
 * metadata (NestJS needs it), `@plato/<lib>` resolved to the lib's source, `.js` suffixes of
 * relative imports stripped. Run through `node --experimental-vm-modules` (see each package.json).
 */
const preset = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  moduleNameMapper: {
    '^@plato/([a-z-]+)$': '<rootDir>/../../libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 30000,
};

/**
 * The preset for one project: its display name, and the summary reporter when `tools/test-all`
 * collects totals (PLATO_TEST_RESULTS names the folder).
 */
export function projectConfig(name) {
  const dir = process.env.PLATO_TEST_RESULTS;
  return {
    ...preset,
    displayName: name,
    reporters: dir ? ['default', ['<rootDir>/../../tools/jest/summary.reporter.js', { name, dir }]] : ['default'],
  };
}

export default preset;

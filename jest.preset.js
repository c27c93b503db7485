/**
 * The one Jest setup every project extends: ESM, TypeScript through @swc/jest with decorator
 * metadata (NestJS needs it), `@plato/<lib>` resolved to the lib's source, `.js` suffixes of
 * relative imports stripped. Run through `node --experimental-vm-modules` (see each package.json).
 */
export default {
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

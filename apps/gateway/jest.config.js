import { projectConfig } from '../../jest.preset.js';

const config = projectConfig('gateway');

/** The integration tests run the real state-server in-process, from its source like the libs. */
export default {
  ...config,
  moduleNameMapper: { '^@plato/state-server$': '<rootDir>/../state-server/src/index.ts', ...config.moduleNameMapper },
};

import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/** I/O packages that contract and domain libs must never import. */
const ioPackages = ['@nestjs/*', '@nats-io/*', 'nats', 'dockerode', 'undici', 'pino', 'node:*', 'fs', 'net', 'http', 'child_process'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/src/**/*.ts', '**/test/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'], bannedExternalImports: ioPackages },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contract', 'type:domain'], bannedExternalImports: ioPackages },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:adapter', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:adapter', 'type:testing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:adapter', 'type:testing'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contract', 'type:domain', 'type:adapter', 'type:testing'] },
          ],
        },
      ],
    },
  },
);

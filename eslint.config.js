// One lint for humans and CI: typed rules so floating promises fail the build, a guard that keeps
// the pure core (spec/, render/, plan/) free of I/O, and no import cycle between the folders of src/.
import tseslint from 'typescript-eslint';
import { folderCyclesPlugin } from './scripts/folder-cycles.mjs';

const ioModules = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'dgram',
  'node:dgram',
  'isomorphic-git',
  'isomorphic-git/*',
  'chokidar',
  'dockerode',
  '@kubernetes/client-node',
  'fastify',
  'pino',
  'prom-client',
  '@modelcontextprotocol/sdk',
  '@modelcontextprotocol/sdk/*',
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'coverage/**', '.mcp-gitops/**', 'sample-repo/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**'],
    plugins: { local: folderCyclesPlugin },
    rules: { 'local/no-folder-cycle': 'error' },
  },
  {
    files: ['src/spec/**', 'src/render/**', 'src/plan/**', 'src/tools/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioModules.filter((m) => !m.includes('*')), patterns: ioModules.filter((m) => m.includes('*')) }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'pure core: take data as arguments' },
        { name: 'fetch', message: 'pure core: no network' },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // the status page's browser modules: plain JavaScript, no build step, outside the TypeScript project
    files: ['src/http/page/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

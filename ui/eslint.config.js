import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    // types.ts is generated from Rust and checked byte for byte; it is not ours to lint.
    ignores: ['build/', '.svelte-kit/', 'node_modules/', 'src/lib/backend/types.ts'],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    // Only the backend folder may talk to Tauri; everything else goes through $lib/backend.
    files: ['src/**/*.ts', 'src/**/*.js', 'src/**/*.svelte'],
    ignores: ['src/lib/backend/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['@tauri-apps/*'], message: 'Import from $lib/backend instead.' }],
        },
      ],
    },
  },
);

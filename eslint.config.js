// ESLint flat config: bug-catching rules only. Formatting is Prettier's job (`npm run format`), so no
// stylistic rule set is enabled here. Type-aware rules read tsconfig.json through the project service.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'workspace/**', 'data/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // TypeScript: src, test, scripts and bench (everything tsconfig.json includes), with type information.
  {
    files: ['{src,test,scripts,bench}/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Already in recommendedTypeChecked; named here because they are the reason for this config.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A promise returned without await inside try/catch/finally escapes the catch, and the finally
      // runs before it settles.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A switch over a union (routes, statuses, store kinds) that misses a member and has no default.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Off: `async` without `await` is deliberate here (implementations of async interfaces such as
      // the embedded store, where a synchronous throw must still become a rejection). Not a bug.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // e2e specs assert on supertest's `response.body`, which is typed `any`: the no-unsafe-* rules
  // report nearly every assertion there (about 300 hits) without catching anything. They stay on
  // for src/, the unit specs, test/support/, scripts/ and bench/.
  {
    files: ['test/**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain JavaScript: the ESM loader in scripts/ and the root config files (not type-checked).
  {
    files: ['scripts/**/*.mjs', '*.js', '*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);

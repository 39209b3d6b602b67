// Type-aware lint over every package's sources and tests. Formatting belongs to Prettier; the one stylistic
// rule here is the line length Prettier cannot enforce (it never breaks a comment). Project rules tsc and
// typescript-eslint cannot express live in scripts/lint.mjs.
import js from "@eslint/js";
import stylistic from "@stylistic/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/bundle/**", "**/coverage/**", "tmp/**", "examples/**"] },
  {
    files: ["packages/**/*.ts"],
    plugins: { "@stylistic": stylistic },
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Prettier's width. A string stays whole (a message is searched for as written); code and comments wrap.
      "@stylistic/max-len": [
        "error",
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      // An abort is rejected with the signal's own reason, as the platform does (fetch, timers/promises); that
      // reason is typed `any`. The same allowance only-throw-error makes by default for `throw signal.reason`.
      "@typescript-eslint/prefer-promise-reject-errors": [
        "error",
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
);

// Lint rules: the recommended sets of ESLint and typescript-eslint, type-aware, plus
// the one rule that matters most for socket code: every promise is awaited or handled.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "runs/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "before", "after", "beforeEach", "afterEach"] }] },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // The layers: shared/ is the library every service uses; services/ are the
  // patterns' roles; harness/ drives Compose and collects logs; scenarios/ and
  // tests sit on top. Nothing reaches back up, and scenarios never read a
  // service's internals (what both need lives in shared/).
  {
    files: ["shared/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/services/**", "**/scenarios/**", "**/harness/**", "**/tools/**"],
              message: "shared/ is the bottom layer: move what both need into shared/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["services/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/scenarios/**", "**/harness/**", "**/tools/**"], message: "a service depends on shared/ only." }] },
      ],
    },
  },
  {
    files: ["harness/**/*.ts", "scenarios/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/services/**"], message: "scenarios see services through their logs; what both need lives in shared/." }] },
      ],
    },
  },
  // The bench's raw pair is plain zeromq.js: nothing of the lab's may creep into what it measures against.
  {
    files: ["bench/raw/**/*.ts", "bench/meter.ts", "bench/figures.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/shared/**", "**/services/**", "**/harness/**", "**/scenarios/**"], message: "the raw pair measures zeromq.js alone." }] },
      ],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
)

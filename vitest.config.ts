import { readdirSync, existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Tests import sibling packages through their `@gembatch/source` export condition,
// so unit tests run against source without a build; e2e tests spawn the built bins.
const packages = readdirSync("packages").filter((name) => existsSync(`packages/${name}/package.json`));

export default defineConfig({
  resolve: { conditions: ["@gembatch/source"] },
  ssr: { resolve: { conditions: ["@gembatch/source"] } },
  test: {
    clearMocks: true,
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      },
    })),
  },
});

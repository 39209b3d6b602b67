import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evidenceSection, retryRequestFor } from "./retry-evidence.js";

// Runners not installed here: their outputs (fixtures/runner-output/, see its README for which were
// captured and with which version, and which were written from the format) are printed by a stand-in
// verify command once the fix breaks the file, and go through the same path to the retry request.

const fixture = (name: string) => readFileSync(new URL(`./fixtures/runner-output/${name}`, import.meta.url), "utf8");

/** Prints the runner's output (with the project root put in) when the file holds the broken fix. */
const STAND_IN = `import { readFileSync } from "node:fs";
const target = readFileSync(process.argv[2], "utf8");
if (!target.includes("BROKEN")) { console.log("all checks passed"); process.exit(0); }
process.stdout.write(readFileSync("runner-output.txt", "utf8").split("<root>").join(process.cwd()));
process.exit(1);
`;

interface Case {
  output: string;
  target: string;
  name: string;
  error: string;
  location: string;
  /** Lines of passing tests or runner noise that must not be sent (none for a linter that prints only problems). */
  absent: string[];
}

const CASES: Case[] = [
  {
    output: "jest-29.7.0.txt",
    target: "src/price.js",
    name: "- price › total adds the prices",
    error: "TypeError: Assignment to constant variable.",
    location: "at src/price.js:3:32 (the file being fixed)",
    absent: ["Ran all test suites", "Snapshots:"],
  },
  {
    output: "mocha-10.8.2.txt",
    target: "src/price.js",
    name: "- price total adds the prices",
    error: "TypeError: Assignment to constant variable.",
    location: "at src/price.js:3:33 (the file being fixed)",
    absent: ["✔ total of nothing is zero", "1 passing"],
  },
  {
    output: "eslint-9.39.5.txt",
    target: "src/price.js",
    name: "- src/price.js: 'sum' is constant (no-const-assign)",
    error: "'sum' is constant",
    location: "at src/price.js:3:29 (the file being fixed)",
    absent: [],
  },
  {
    output: "maven-3.8.7-surefire-3.2.5.txt",
    target: "src/main/java/shop/Price.java",
    name: "- shop.PriceTest.labelNamesTheItem",
    error: "java.lang.StringIndexOutOfBoundsException: begin 5, end 3, length 3",
    location: "at shop/Price.java:11 (the file being fixed)",
    absent: ["[INFO] Running shop.PriceTest", "maven-resources-plugin", "String.checkBoundsBeginEnd"],
  },
  {
    output: "gradle-written.txt",
    target: "src/main/java/shop/Price.java",
    name: "- PriceTest.labelNamesTheItem()",
    error: "java.lang.StringIndexOutOfBoundsException",
    location: "at Price.java:11 (the file being fixed)",
    absent: ["PriceTest > truth() PASSED", "> Task :compileJava"],
  },
  {
    output: "go-written.txt",
    target: "price.go",
    name: "- TestLabel",
    error: "panic: runtime error: index out of range [1] with length 1",
    location: "at price.go:9 (the file being fixed)",
    absent: ["--- PASS: TestName", "=== RUN   TestName", "testing/testing.go"],
  },
  {
    output: "ruff-written.txt",
    target: "shop/price.py",
    name: "- shop/price.py: F821 Undefined name `nam`",
    error: "F821 Undefined name `nam`",
    location: "at shop/price.py:6:23 (the file being fixed)",
    absent: [],
  },
  {
    output: "mypy-written.txt",
    target: "shop/price.py",
    name: '- shop/price.py: error: Name "nam" is not defined  [name-defined]',
    error: 'note: Did you mean "name"?',
    location: "at shop/price.py:6 (the file being fixed)",
    absent: [],
  },
];

describe("the retry request carries what failed (captured and written runner outputs)", () => {
  for (const c of CASES) {
    it(
      c.output,
      async () => {
        const original = "the file as it was\n";
        const { prompt } = await retryRequestFor({
          files: { [c.target]: original, "stand-in.mjs": STAND_IN, "runner-output.txt": fixture(c.output) },
          target: c.target,
          broken: `${original}BROKEN\n`,
          verify: "node stand-in.mjs {file}",
        });
        const evidence = evidenceSection(prompt);
        expect(evidence).toContain(c.name);
        expect(evidence).toContain(c.error);
        expect(evidence).toContain(c.location);
        for (const line of c.absent) expect(prompt).not.toContain(line);
      },
      60_000,
    );
  }
});

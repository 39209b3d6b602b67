import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { shellQuote } from "../src/verify/prepare.js";
import { evidenceSection, retryRequestFor } from "./retry-evidence.js";

// The real runners, each on a small project whose fix breaks it: what reaches the retry request (as the
// emulator received it) must name the failing test, its error and where in the file being fixed it
// broke, and must not carry the lines of tests that passed.

const require = createRequire(import.meta.url);
const VITEST = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const TSC = require.resolve("typescript/bin/tsc");

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const PRICE_JS =
  "export function total(items) {\n  let sum = 0;\n  for (const item of items) sum += item.price;\n  return sum;\n}\n\nexport function label(name) {\n  return `Item: ${name}`;\n}\n";
const PRICE_JS_BROKEN = PRICE_JS.replace("let sum = 0;", "const sum = 0;");
const priceTests = (runner: string) =>
  `import { test } from "${runner}";\nimport assert from "node:assert/strict";\nimport { total, label } from "../src/price.js";\n\n` +
  `test("label names the item", () => { assert.equal(label("pen"), "Item: pen"); });\n` +
  `test("total of nothing is zero", () => { assert.equal(total([]), 0); });\n` +
  `test("total adds the prices", () => { assert.equal(total([{ price: 2 }, { price: 3 }]), 5); });\n`;

const PRICE_PY =
  'def total(items):\n    return sum(item["price"] for item in items)\n\n\ndef label(name):\n    return "Item: " + name\n';
const PRICE_PY_BROKEN = PRICE_PY.replace('"Item: " + name', '"Item: " + nam');
const PRICE_PY_TESTS =
  "import unittest\n\nfrom shop.price import label, total\n\n\nclass PriceTest(unittest.TestCase):\n" +
  "    def test_total_of_nothing(self):\n        self.assertEqual(total([]), 0)\n\n" +
  '    def test_label(self):\n        self.assertEqual(label("pen"), "Item: pen")\n';
const PY_PROJECT = {
  "shop/__init__.py": "",
  "shop/price.py": PRICE_PY,
  "tests/__init__.py": "",
  "tests/test_price.py": PRICE_PY_TESTS,
};

describe("the retry request carries what failed, whatever the runner (real runners)", () => {
  it("node --test (TAP when not on a terminal)", async () => {
    const { prompt } = await retryRequestFor({
      files: {
        "package.json": '{"type":"module"}',
        "src/price.js": PRICE_JS,
        "test/price.test.js": priceTests("node:test"),
      },
      target: "src/price.js",
      broken: PRICE_JS_BROKEN,
      verify: "node --test",
    });
    const evidence = evidenceSection(prompt);
    expect(evidence).toContain("- total adds the prices");
    expect(evidence).toContain("TypeError: Assignment to constant variable.");
    expect(evidence).toContain("at src/price.js:3:33 (the file being fixed)");
    expect(evidence).toMatch(/Runner summary: .*# fail 1/);
    expect(prompt).not.toContain("ok 1 - label names the item");
    expect(prompt).not.toContain("ok 2 - total of nothing is zero");
    expect(prompt).not.toContain("duration_ms");
  }, 120_000);

  it("vitest", async () => {
    const { prompt } = await retryRequestFor({
      files: {
        "package.json": '{"type":"module"}',
        "src/price.js": PRICE_JS,
        "test/price.test.js": priceTests("vitest"),
      },
      target: "src/price.js",
      broken: PRICE_JS_BROKEN,
      verify: `node ${shellQuote(VITEST)} run --root .`,
    });
    const evidence = evidenceSection(prompt);
    expect(evidence).toContain("- test/price.test.js > total adds the prices");
    expect(evidence).toContain("TypeError: Assignment to constant variable.");
    expect(evidence).toMatch(/at src\/price\.js:3:\d+ \(the file being fixed\)/);
    expect(prompt).not.toMatch(/✓ (label names the item|total of nothing is zero)/);
    expect(prompt).not.toContain("\u001b[");
  }, 120_000);

  it("python unittest", async () => {
    const { prompt } = await retryRequestFor({
      files: PY_PROJECT,
      target: "shop/price.py",
      broken: PRICE_PY_BROKEN,
      verify: "python3 -m unittest -v",
    });
    const evidence = evidenceSection(prompt);
    expect(evidence).toContain("- test_label (tests.test_price.PriceTest");
    expect(evidence).toContain("NameError: name 'nam' is not defined");
    expect(evidence).toContain("at shop/price.py:6 (the file being fixed)");
    expect(prompt).not.toMatch(/test_total_of_nothing \(.*\) \.\.\. ok/);
  }, 120_000);

  it.runIf(has("python3", ["-m", "pytest", "--version"]))(
    "pytest",
    async () => {
      const { prompt } = await retryRequestFor({
        files: PY_PROJECT,
        target: "shop/price.py",
        broken: PRICE_PY_BROKEN,
        verify: "python3 -m pytest -v -p no:cacheprovider",
      });
      const evidence = evidenceSection(prompt);
      expect(evidence).toContain("- tests/test_price.py::PriceTest::test_label");
      expect(evidence).toContain("NameError: name 'nam' is not defined");
      expect(evidence).toContain("at shop/price.py:6 (the file being fixed)");
      expect(prompt).not.toContain("test_total_of_nothing PASSED");
    },
    120_000,
  );

  it.runIf(has("cargo", ["--version"]))(
    "cargo test (offline, no dependencies)",
    async () => {
      const lib =
        'pub fn label(name: &str) -> String {\n    let parts: Vec<&str> = name.split(\',\').collect();\n    format!("Item: {}", parts[0])\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n\n    #[test]\n    fn label_names_the_item() {\n        assert_eq!(label("pen"), "Item: pen");\n    }\n\n    #[test]\n    fn truth() {\n        assert!(true);\n    }\n}\n';
      const { prompt } = await retryRequestFor({
        files: { "Cargo.toml": '[package]\nname = "price"\nversion = "0.1.0"\nedition = "2021"\n', "src/lib.rs": lib },
        target: "src/lib.rs",
        broken: lib.replace("parts[0]", "parts[1]"),
        verify: "cargo test --offline",
        verifyTimeoutMs: 300_000,
      });
      const evidence = evidenceSection(prompt);
      expect(evidence).toContain("- tests::label_names_the_item");
      expect(evidence).toContain("index out of bounds: the len is 1 but the index is 1");
      expect(evidence).toMatch(/at src\/lib\.rs:3:\d+ \(the file being fixed\)/);
      expect(prompt).not.toContain("test tests::truth ... ok");
      expect(prompt).not.toContain("Compiling price");
    },
    300_000,
  );

  it("tsc: the new errors count, the one that was already there is named as already failing", async () => {
    const price =
      "export function total(items: { price: number }[]): number {\n  return items.reduce((sum, item) => sum + item.price, 0);\n}\n";
    const { prompt, result } = await retryRequestFor({
      files: {
        "tsconfig.json":
          '{"compilerOptions":{"strict":true,"noEmit":true,"target":"es2022","module":"nodenext","types":[]},"include":["src"]}',
        "src/price.ts": price,
        "src/legacy.ts": 'export const port: number = "8080";\n',
      },
      target: "src/price.ts",
      broken: price.replace("item.price", "item.cost"),
      verify: `node ${shellQuote(TSC)} -p .`,
    });
    const evidence = evidenceSection(prompt);
    expect(evidence).toContain(
      "- src/price.ts: error TS2339: Property 'cost' does not exist on type '{ price: number; }'.",
    );
    expect(evidence).toContain("at src/price.ts:2:49 (the file being fixed)");
    expect(evidence).toMatch(
      /Already failing before the change, not counted against it \(1\): src\/legacy\.ts: error TS2322/,
    );
    expect(evidence).toContain("(fails in a new way (exit code 2; it already failed before the change))");
    expect(evidence).not.toMatch(/^- src\/legacy\.ts/m);
    expect(result.files[0]).toMatchObject({ status: "unchanged", attempts: 2 });
  }, 120_000);
});

import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadRules, parseBuiltinRules } from "./rules/load.js";
import { compileRule } from "./rules/compile.js";
import { runScan } from "./run-scan.js";
import { tempTree } from "@gembatch/test-utils";

const builtin = () => parseBuiltinRules().map(compileRule);

describe("runScan", () => {
  it("skips binary, huge and unreadable files with a reason, and reads no file that no rule applies to", async () => {
    const dir = tempTree({
      "src/a.py": "print('x')\n",
      "src/blob.py": Buffer.from([0x70, 0x72, 0x00, 0x01]),
      "src/huge.py": `# TODO\n${"x = 1\n".repeat(400)}`,
      "src/locked.py": "breakpoint()\n",
      "assets/logo.png": Buffer.from([0x89, 0x50, 0x00]),
    });
    const read: string[] = [];
    const { readForScanSync } = await import("./scan-file.js");
    const run = await runScan({
      root: dir,
      rules: builtin(),
      maxFileBytes: 1000,
      readFile: (absolute, max) => {
        read.push(absolute.slice(dir.length + 1));
        if (absolute.endsWith("locked.py"))
          return Promise.resolve({ skip: { reason: "unreadable", detail: "EACCES" } });
        return Promise.resolve(readForScanSync(absolute, max));
      },
    });
    expect(read.sort()).toEqual(["src/a.py", "src/blob.py", "src/huge.py", "src/locked.py"]);
    expect(run.skipped).toEqual([
      { file: "src/blob.py", reason: "binary", detail: "contains NUL bytes" },
      { file: "src/huge.py", reason: "too-large", detail: "2407 bytes > max_file_bytes 1000" },
      { file: "src/locked.py", reason: "unreadable", detail: "EACCES" },
    ]);
    expect(run.files_walked).toBe(5);
    expect(run.files_scanned).toBe(1);
    expect(run.findings.map((f) => `${f.rule}@${f.file}:${f.line}`)).toEqual(["debug-print@src/a.py:1"]);
  });

  it("filters rules by minimum severity and sorts findings by file, line and column", async () => {
    const dir = tempTree({ "b.py": "x = 1  # TODO\ntry:\n    pass\nexcept:\n    pass\n", "a.py": "breakpoint()\n" });
    const all = await runScan({ root: dir, rules: builtin() });
    expect(all.findings.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      "a.py:1:debugger-statement",
      "b.py:1:todo-comment",
      "b.py:4:bare-except",
    ]);
    const warnings = await runScan({ root: dir, rules: builtin(), minSeverity: "warning" });
    expect(warnings.findings.map((f) => f.rule)).toEqual(["debugger-statement", "bare-except"]);
    expect(warnings.workers).toBe(1);
  });

  it("finds the seed's problems in examples/python-service", async () => {
    const root = fileURLToPath(new URL("../../../examples/python-service", import.meta.url));
    const { readScanConfigFile } = await import("../test/helpers/example.js");
    const loaded = loadRules({ root, config: readScanConfigFile(root) });
    const run = await runScan({ root, rules: loaded.map((l) => l.rule) });
    const byRule = (id: string) => run.findings.filter((f) => f.rule === id).map((f) => `${f.file}:${f.line}`);
    expect(byRule("logger-bind")).toEqual([
      "orders/notifications.py:30",
      "orders/payments.py:28",
      "orders/service.py:28",
    ]);
    expect(byRule("blocking-call-in-async")).toEqual([
      "orders/service.py:32",
      "orders/storage.py:39",
      "orders/storage.py:42",
    ]);
    expect(byRule("mock-in-production").every((f) => f.startsWith("orders/payments.py"))).toBe(true);
    expect(byRule("bare-except")).toEqual(["orders/service.py:36"]);
    expect(byRule("datetime-utcnow")).toEqual(["orders/models.py:33", "orders/service.py:47"]);
    expect(byRule("money-as-float").length).toBeGreaterThan(0);
    expect(run.findings.some((f) => f.file.startsWith("tests/") && f.rule === "mock-in-production")).toBe(false);
    expect(run.suppressed).toBe(1);
  });
});

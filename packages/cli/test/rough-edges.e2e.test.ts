import { rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { EXAMPLE_DIR, exampleProject, gembatch, tempDir, useEmulator } from "@gembatch/test-utils";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ScanResult } from "@gembatch/scan";
import type { SendResult } from "@gembatch/send";
import type { CostsResult } from "../src/commands/costs.js";
import type { DoctorResult } from "../src/commands/doctor.js";

/** What a command prints with `--json` when it fails. */
interface ErrorDoc {
  error: { code: string; message: string; hint?: string };
}

const replies = path.join(EXAMPLE_DIR, "demo", "emulator-replies.json");
async function demoEmulator(): Promise<Record<string, string>> {
  const emu = await useEmulator({ script: replies });
  return { GEMBATCH_BASE_URL: emu.url, GEMINI_API_KEY: "test-key" };
}

describe("progress when stderr is not a terminal (CI logs, agents)", () => {
  it("send prints a plain line per file done on stderr; --quiet prints none; stdout stays one JSON document", async () => {
    const root = exampleProject();
    const env = await demoEmulator();
    const scan = JSON.parse(
      (await gembatch(root, ["scan", "--rules", "logger-bind", "--report", "--json"])).stdout,
    ) as ScanResult;
    const report = scan.reports![0]!.report_file!;
    const sent = await gembatch(root, ["send", "--issue-report-file", report, "--json"], env);
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect((JSON.parse(sent.stdout) as SendResult).files_succeeded).toBe(3);
    expect(sent.stderr).toMatch(/^send: 1\/3 done \| \$[\d.]+$/m);
    expect(sent.stderr).toMatch(/^send: 2\/3 done/m);
    expect(sent.stderr).toMatch(/^send: 3\/3 done/m);

    const quiet = await gembatch(root, ["send", "--issue-report-file", report, "--json", "--quiet"], env);
    expect(quiet.exitCode, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("done");
  });
});

describe("help and typos", () => {
  it("`gembatch help submit` shows submit's full help, not a stub", async () => {
    const help = await gembatch(os.tmpdir(), ["help", "submit"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("--dir <path>");
    expect(help.stdout).toContain("Examples:");
  });

  it("a mistyped subcommand gets a suggestion, not `start: expected number`", async () => {
    const run = await gembatch(os.tmpdir(), ["submit", "stauts"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('unknown command "submit stauts" (did you mean "submit status"?)');
    expect(run.stderr).not.toContain("expected number");
    const json = JSON.parse((await gembatch(os.tmpdir(), ["submit", "stauts", "--json"])).stdout) as ErrorDoc;
    expect(json.error).toMatchObject({
      code: "BAD_INPUT",
      hint: expect.stringContaining("status, download, collect, cancel") as unknown,
    });
  });

  it("a mistyped command's hint does not repeat the typo", async () => {
    const run = await gembatch(os.tmpdir(), ["doctr", "--json"]);
    expect(run.exitCode).toBe(2);
    const error = (JSON.parse(run.stdout) as ErrorDoc).error;
    expect(error.message).toContain('did you mean "doctor"');
    expect(error.hint).toBe("see gembatch --help");
  });

  it("the top-level help says JSON comes with --json or a JSON argument", async () => {
    const help = await gembatch(os.tmpdir(), ["--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toContain(
      "With --json, or when given a JSON argument, it prints exactly one JSON result on stdout; otherwise a short summary.",
    );
  });
});

describe("doctor", () => {
  it("a base URL that answers 404 (not the Gemini API) fails the check with a hint; the emulator passes it", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<h1>Not Found</h1>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const wrong = await gembatch(os.tmpdir(), ["doctor", "--json", "--skip-api-call"], {
      GEMINI_API_KEY: "k",
      GEMBATCH_BASE_URL: url,
    });
    expect(wrong.exitCode).toBe(3);
    expect((JSON.parse(wrong.stdout) as DoctorResult).checks.find((c) => c.name === "base_url")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("HTTP 404") as unknown,
      hint: expect.stringContaining("without /v1beta") as unknown,
    });

    const env = await demoEmulator();
    const right = await gembatch(os.tmpdir(), ["doctor", "--json", "--skip-api-call"], env);
    expect((JSON.parse(right.stdout) as DoctorResult).checks.find((c) => c.name === "base_url")).toMatchObject({
      status: "ok",
      detail: expect.stringContaining("speaks the Gemini API") as unknown,
    });
  });

  it("with no key, says where to get one and how to run offline with the emulator", async () => {
    const run = await gembatch(os.tmpdir(), ["doctor", "--skip-api-call", "--base-url", "http://127.0.0.1:9"]);
    expect(run.exitCode).toBe(3);
    const text = run.stdout.replace(/\s+/g, " ");
    expect(text).toContain("Google AI Studio");
    expect(text).toContain("gembatch emulator --port 8080");
    expect(text).toContain("GEMBATCH_BASE_URL=http://127.0.0.1:8080");
  });

  it("warns about a Node past its end of life", async () => {
    const run = await gembatch(
      os.tmpdir(),
      ["doctor", "--json", "--skip-api-call", "--base-url", "http://127.0.0.1:9"],
      { GEMINI_API_KEY: "k" },
    );
    const node = (JSON.parse(run.stdout) as DoctorResult).checks[0];
    const major = Number(process.versions.node.split(".")[0]);
    // This suite runs on Node 20 (end of life 2026-04-30) here; a newer Node gets an ok.
    if (major === 20 && Date.now() >= Date.parse("2026-04-30"))
      expect(node).toMatchObject({
        name: "node",
        status: "warn",
        detail: expect.stringContaining("end of life on 2026-04-30") as unknown,
        hint: "move to Node 22 or 24",
      });
    else expect(node).toMatchObject({ name: "node" });
  });
});

describe("the cost ledger is one per project, not one per folder", () => {
  async function sendDemo(root: string, env: Record<string, string>): Promise<void> {
    const scan = JSON.parse(
      (await gembatch(root, ["scan", "--rules", "logger-bind", "--report", "--json"], env)).stdout,
    ) as ScanResult;
    const sent = await gembatch(root, ["send", "--issue-report-file", scan.reports![0]!.report_file!, "--json"], env);
    expect(sent.exitCode, sent.stderr).toBe(0);
  }

  it("in a project (config or git), costs from any folder of it sums the calls made from its root", async () => {
    const root = exampleProject();
    const env = await demoEmulator();
    await sendDemo(root, env);
    for (const folder of [root, path.join(root, "orders"), path.join(root, "tests")]) {
      const costs = JSON.parse((await gembatch(folder, ["costs", "--json"])).stdout) as CostsResult;
      expect(costs.calls, folder).toBe(3);
      expect(path.resolve(folder, costs.ledger_file)).toBe(path.join(root, "tmp", "gembatch_cost_ledger.jsonl"));
    }
  });

  it("outside any project, calls go to the user-level ledger, which costs finds from any folder", async () => {
    const root = exampleProject();
    rmSync(path.join(root, "gembatch.config.json"));
    const stateDir = tempDir("gembatch-state-");
    const env = { ...(await demoEmulator()), GEMBATCH_STATE_DIR: stateDir };
    await sendDemo(root, env);
    const costs = JSON.parse(
      (await gembatch(path.join(root, "orders"), ["costs", "--json"], { GEMBATCH_STATE_DIR: stateDir })).stdout,
    ) as CostsResult;
    expect(costs.calls).toBe(3);
    expect(path.resolve(root, "orders", costs.ledger_file)).toBe(path.join(stateDir, "cost_ledger.jsonl"));
  });
});

describe("one flag vocabulary (docs/commands.md#flag-vocabulary)", () => {
  it("submit's subcommands use --output-dir, --output-file and --poll-interval; the former names still work, unlisted", async () => {
    const cwd = tempDir("gembatch-flags-");
    const help = async (sub: string) => (await gembatch(cwd, ["submit", sub, "--help"])).stdout;
    expect(await help("download")).toContain("--output-dir <dir>");
    expect(await help("collect")).toContain("--output-file <file>");
    expect(await help("status")).toContain("--poll-interval <seconds>");
    for (const sub of ["download", "collect"]) expect(await help(sub)).not.toMatch(/--out\b/);
    expect(await help("status")).not.toMatch(/--interval\b/);
    // With no submission here, the old names get the same answer as the new ones: no state, not a bad flag.
    for (const args of [
      ["download", "--out", "r"],
      ["collect", "--out", "r.jsonl"],
      ["status", "--interval", "5"],
      ["download", '{"out": "r"}'],
    ]) {
      const run = await gembatch(cwd, ["submit", ...args, "--json"]);
      expect((JSON.parse(run.stdout) as ErrorDoc).error, args.join(" ")).toMatchObject({
        code: "FILE_NOT_FOUND",
        message: expect.stringContaining("no submission state here") as unknown,
      });
    }
  });
});

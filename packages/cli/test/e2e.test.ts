import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gembatch, projectDir } from "@gembatch/test-utils";
import { describe, expect, it, onTestFinished } from "vitest";
import type { CostsResult } from "../src/commands/costs.js";
import type { DoctorResult } from "../src/commands/doctor.js";

const project = () => projectDir();

describe("gembatch bin", () => {
  it("prints help with examples and every subcommand, and its version", async () => {
    const cwd = project();
    const help = await gembatch(cwd, ["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Commands:[\s\S]*costs[\s\S]*doctor/);
    expect(help.stdout).toContain("Examples:");
    const version = await gembatch(cwd, ["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const sub = await gembatch(cwd, ["costs", "--help"]);
    expect(sub.stdout).toContain("$ gembatch costs --since 2026-11-01 --json");
  });

  it("costs: sums the ledger as a table and as one JSON document", async () => {
    const cwd = project();
    mkdirSync(path.join(cwd, "tmp"));
    const line = (time: string, command: string, cost: number | null) =>
      JSON.stringify({
        time,
        command,
        model: "gemini-flash-latest",
        model_version: "gemini-3.8-flash",
        prompt_tokens: 1000,
        cached_tokens: 0,
        output_tokens: 100,
        thinking_tokens: 0,
        total_tokens: 1100,
        cost,
      });
    writeFileSync(
      path.join(cwd, "tmp", "gembatch_cost_ledger.jsonl"),
      [
        line("2026-11-20T10:00:00Z", "send", 0.25),
        line("2026-11-21T10:00:00Z", "submit", 0.5),
        line("2026-11-21T11:00:00Z", "send", null),
      ].join("\n") + "\n",
    );
    const text = await gembatch(cwd, ["costs"]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(
      /Total: \$0\.7500 over 3 call\(s\) \(1 call\(s\) on models without a known price are not included\)/,
    );
    const json = await gembatch(cwd, ["costs", "--json", "--since", "2026-11-21"]);
    const doc = JSON.parse(json.stdout) as CostsResult;
    expect(doc).toMatchObject({ success: true, calls: 2, total_cost: 0.5, unpriced_calls: 1 });
    expect(doc.by_command.map((g) => g.key)).toEqual(["send", "submit"]);
  });

  it("doctor: reports each check, never prints the key, and makes a one-token call", async () => {
    const cwd = project();
    let seenKey = "";
    const server = http.createServer((req, res) => {
      seenKey = String(req.headers["x-goog-api-key"]);
      req.resume();
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "MAX_TOKENS" }],
          usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 },
          modelVersion: "gemini-2.5-flash",
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await gembatch(cwd, ["doctor", "--json"], {
      GEMINI_API_KEY: "secret-key-abcdef",
      GEMBATCH_BASE_URL: url,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain("secret-key-abcdef");
    expect(seenKey).toBe("secret-key-abcdef");
    const doc = JSON.parse(result.stdout) as DoctorResult;
    // Node 20 is past its end of life (2026-04-30): doctor warns about it.
    const node = Number(process.versions.node.split(".")[0]) <= 20 ? "node:warn" : "node:ok";
    expect(doc.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      node,
      "config:ok",
      "api_key:ok",
      "base_url:ok",
      "api_call:ok",
      "alias:warn",
      "pricing:ok",
    ]);
    expect(doc.checks[4]!.detail).toContain("answered by gemini-2.5-flash");
  });

  it("doctor: a bad config is a failed check naming the file and key, exit 2; a missing key is exit 3", async () => {
    const cwd = project();
    writeFileSync(path.join(cwd, "gembatch.config.json"), JSON.stringify({ rate_limits: { requests_per_minit: 5 } }));
    const bad = await gembatch(cwd, ["doctor", "--json", "--skip-api-call", "--base-url", "http://127.0.0.1:9"]);
    expect(bad.exitCode).toBe(2);
    expect((JSON.parse(bad.stdout) as DoctorResult).checks[1]).toMatchObject({
      name: "config",
      status: "fail",
      detail: expect.stringMatching(
        /^gembatch\.config\.json: rate_limits: unknown key|rate_limits\.requests_per_minit: unknown key/,
      ) as unknown,
    });
    rmSync(path.join(cwd, "gembatch.config.json"));
    const noKey = await gembatch(cwd, ["doctor", "--skip-api-call", "--base-url", "http://127.0.0.1:9"]);
    expect(noKey.exitCode).toBe(3);
    expect(noKey.stdout).toMatch(/✗ api_key\s+neither GEMINI_API_KEY nor GOOGLE_API_KEY is set/);
  });

  it("bad input from the shell: exit 2, one line on stderr, one JSON document on stdout", async () => {
    const cwd = project();
    const result = await gembatch(cwd, ["costs", '{"since": 20261101}']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      "gembatch costs: error: since: expected string, received number",
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: false, error: { code: "BAD_INPUT" } });
    const unknown = await gembatch(cwd, ["frobnicate"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });
});

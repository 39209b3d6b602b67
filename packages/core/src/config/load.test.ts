import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";
import { loadConfig } from "./load.js";

function projectWith(config?: unknown): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, ".git"));
  mkdirSync(path.join(dir, "src", "deep"), { recursive: true });
  if (config !== undefined) writeFileSync(path.join(dir, "gembatch.config.json"), JSON.stringify(config));
  return dir;
}

describe("config precedence: flag > env > file > default", () => {
  it("uses the default model and Google's API without a config", () => {
    const config = loadConfig({ cwd: projectWith(), env: {} });
    expect(config).toMatchObject({
      model: "gemini-flash-latest",
      modelSource: "default",
      baseUrl: undefined,
      apiKey: undefined,
      configFile: null,
    });
  });

  it("finds the config file from a subdirectory and resolves paths against the project root", () => {
    const dir = projectWith({ model: "gemini-2.5-flash", output: { tmp_dir: "out" } });
    const config = loadConfig({ cwd: path.join(dir, "src", "deep"), env: {} });
    expect(config.projectRoot).toBe(dir);
    expect(config.model).toBe("gemini-2.5-flash");
    expect(config.modelSource).toBe("config");
    expect(config.ledgerFile).toBe(path.join(dir, "out", "gembatch_cost_ledger.jsonl"));
    expect(config.issuesDir).toBe(path.join(dir, "out", "issues"));
  });

  it("lets env beat the file and a flag beat env", () => {
    const dir = projectWith({ model: "from-file", base_url: "http://file:1" });
    const env = { GEMBATCH_MODEL: "from-env", GEMBATCH_BASE_URL: "http://env:2" };
    expect(loadConfig({ cwd: dir, env })).toMatchObject({
      model: "from-env",
      modelSource: "env",
      baseUrl: "http://env:2",
    });
    expect(loadConfig({ cwd: dir, env, overrides: { model: "from-flag", base_url: "http://flag:3" } })).toMatchObject({
      model: "from-flag",
      modelSource: "flag",
      baseUrl: "http://flag:3",
    });
  });

  it("reads GEMINI_API_KEY, else GOOGLE_API_KEY", () => {
    const dir = projectWith();
    expect(loadConfig({ cwd: dir, env: { GOOGLE_API_KEY: "g-key-123", GEMINI_API_KEY: "m-key-123" } })).toMatchObject({
      apiKey: "m-key-123",
      apiKeySource: "GEMINI_API_KEY",
    });
    expect(loadConfig({ cwd: dir, env: { GOOGLE_API_KEY: "g-key-123" } })).toMatchObject({
      apiKey: "g-key-123",
      apiKeySource: "GOOGLE_API_KEY",
    });
  });

  it("names the file and the key of a bad config", () => {
    expect(() => loadConfig({ cwd: projectWith({ rate_limits: { requests_per_minute: -1 } }), env: {} })).toThrow(
      /^gembatch\.config\.json: rate_limits\.requests_per_minute: Too small/,
    );
    expect(() => loadConfig({ cwd: projectWith({ pricing: { m: { periods: [] } } }), env: {} })).toThrow(
      /pricing\.m\.periods: Too small/,
    );
    expect(() => loadConfig({ cwd: projectWith(), env: { GEMBATCH_BASE_URL: "not a url" } })).toThrow(
      /^GEMBATCH_BASE_URL: not a valid URL/,
    );
  });
});

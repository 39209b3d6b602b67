import { describe, expect, it } from "vitest";
import { CliError } from "../errors.js";
import { DEFAULT_MAX_TOKENS, raisedMaxTokens, sizeMaxTokens, thinkingConfigFor, tooLargeFor } from "./reply-size.js";
import { resolveGenerationSettings, settingsForModel } from "./settings.js";

function error(run: () => unknown): CliError {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof CliError) return thrown;
    throw thrown;
  }
  throw new Error("expected a CliError");
}

describe("generation settings against the model", () => {
  it("refuses max_tokens above the model's output limit, naming where the value came from", () => {
    expect(error(() => resolveGenerationSettings({ max_tokens: 70_000 }, { model: "gemini-3.8-flash" })).message).toBe(
      "max_tokens: 70000 is above the output limit of gemini-3.8-flash (65536)",
    );
    const fromConfig = error(() =>
      resolveGenerationSettings({}, { model: "gemini-2.0-flash", file: { max_tokens: 9000 } }),
    );
    expect(fromConfig.message).toBe(
      "max_tokens (from gembatch.config.json): 9000 is above the output limit of gemini-2.0-flash (8192)",
    );
  });

  it("takes a level for 3.x and a budget for 2.5, each within what the model accepts", () => {
    expect(resolveGenerationSettings({ thinking_level: "LOW" }, { model: "gemini-3.8-flash" }).thinking).toEqual({
      level: "LOW",
    });
    expect(resolveGenerationSettings({ thinking_budget: 0 }, { model: "gemini-2.5-flash" }).thinking).toEqual({
      budget: 0,
    });
    expect(
      error(() => resolveGenerationSettings({ thinking_level: "MINIMAL" }, { model: "gemini-3.8-flash" })).message,
    ).toBe("thinking_level: gemini-3.8-flash accepts LOW, MEDIUM, HIGH, not MINIMAL");
    expect(error(() => resolveGenerationSettings({ thinking_level: "LOW" }, { model: "gemini-2.5-pro" })).message).toBe(
      "thinking_level: gemini-2.5-pro takes thinking_budget (a token count), not a level",
    );
    expect(error(() => resolveGenerationSettings({ thinking_budget: 0 }, { model: "gemini-2.5-pro" })).message).toMatch(
      /^thinking_budget: 0 is out of range for gemini-2.5-pro/,
    );
    expect(
      error(() => resolveGenerationSettings({ thinking_budget: 1024 }, { model: "gemini-3.6-flash" })).message,
    ).toMatch(/^thinking_budget: gemini-3.6-flash takes thinking_level/);
    expect(
      error(() =>
        resolveGenerationSettings({ thinking_level: "LOW", thinking_budget: 10 }, { model: "gemini-3.6-flash" }),
      ).message,
    ).toMatch(/^thinking_level: given together with thinking_budget/);
    expect(thinkingConfigFor({ level: "HIGH" })).toEqual({ thinkingLevel: "HIGH" });
    expect(thinkingConfigFor({ budget: -1 })).toEqual({ thinkingBudget: -1 });
  });

  it("refuses a given temperature where Google deprecated sampling, and drops one from env or config with a warning", () => {
    expect(error(() => resolveGenerationSettings({ temperature: 0.2 }, { model: "gemini-3.8-flash" })).message).toBe(
      "temperature: Google deprecated sampling parameters (temperature, top_p, top_k) for gemini-3.8-flash",
    );
    const warnings: string[] = [];
    const settings = resolveGenerationSettings(
      {},
      { model: "gemini-3.8-flash", env: { GEMBATCH_TEMPERATURE: "0.3" }, warn: (m) => warnings.push(m) },
    );
    expect(settings.temperature).toBeNull();
    expect(warnings).toEqual([
      "temperature (from GEMBATCH_TEMPERATURE): Google deprecated sampling parameters (temperature, top_p, top_k) for gemini-3.8-flash; not sent",
    ]);
    expect(resolveGenerationSettings({ temperature: 0.2 }, { model: "gemini-2.5-flash" }).temperature).toBe(0.2);
  });

  it("names a bad environment value in one line", () => {
    expect(
      error(() => resolveGenerationSettings({}, { model: "gemini-2.5-flash", env: { GEMBATCH_MAX_TOKENS: "lots" } }))
        .message,
    ).toMatch(/^GEMBATCH_MAX_TOKENS: invalid value "lots"/);
  });
});

describe("reply limits sized from the files", () => {
  const auto = (model: string, extra: object = {}) => resolveGenerationSettings(extra, { model });

  it("leaves room for the largest file and thinking, at least the default, at most the model's limit", () => {
    expect(sizeMaxTokens(auto("gemini-2.0-flash"), 100)).toBe(DEFAULT_MAX_TOKENS);
    expect(sizeMaxTokens(auto("gemini-3.8-flash"), 100)).toBe(8312);
    // 20,000 tokens of file: 24,000 for the copy plus MEDIUM thinking (8,192), 3.8 Flash's default level.
    expect(sizeMaxTokens(auto("gemini-3.8-flash"), 20_000)).toBe(32_192);
    expect(sizeMaxTokens(auto("gemini-3.8-flash", { thinking_level: "HIGH" }), 20_000)).toBe(40_384);
    expect(sizeMaxTokens(auto("gemini-3.8-flash"), 50_000)).toBe(65_536);
    expect(sizeMaxTokens(auto("gemini-3.8-flash", { max_tokens: 5000 }), 50_000)).toBe(5000);
  });

  it("reports a file whose fixed copy cannot fit the output limit, with the figures", () => {
    expect(tooLargeFor(40_000, auto("gemini-3.8-flash"))).toBeNull();
    expect(tooLargeFor(50_000, auto("gemini-3.8-flash"))).toEqual({
      file_tokens: 50_000,
      thinking_headroom: 8192,
      estimated_output_tokens: 68_192,
      output_limit: 65_536,
    });
    expect(tooLargeFor(50_000, auto("gemini-3.8-flash", { thinking_level: "LOW" }))).toBeNull();
    expect(tooLargeFor(10_000, auto("gemini-2.0-flash"))).toMatchObject({ output_limit: 8192 });
    expect(tooLargeFor(10_000_000, auto("my-own-model"))).toBeNull();
  });

  it("raises a limit that was hit, within the model's output limit", () => {
    expect(raisedMaxTokens(8192, "gemini-3.8-flash")).toBe(16_384);
    expect(raisedMaxTokens(40_000, "gemini-3.8-flash")).toBe(65_536);
    expect(raisedMaxTokens(65_536, "gemini-3.8-flash")).toBeNull();
  });

  it("carries settings to an escalation model within its limits", () => {
    const warnings: string[] = [];
    const base = resolveGenerationSettings(
      { thinking_budget: 2048, max_tokens: 60_000, temperature: 0.5 },
      { model: "gemini-2.5-flash" },
    );
    const next = settingsForModel(base, "gemini-2.0-flash", { warn: (m) => warnings.push(m) });
    expect(next).toMatchObject({ model: "gemini-2.0-flash", maxTokens: 8192, thinking: null, temperature: 0.5 });
    expect(warnings).toHaveLength(2);
    expect(settingsForModel(base, "gemini-3.8-flash")).toMatchObject({
      thinking: null,
      temperature: null,
      maxTokens: 60_000,
    });
  });
});

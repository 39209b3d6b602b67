import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import {
  assembleInput,
  loadConfig,
  parseOrThrow,
  settingsFromContext,
  type CommandDefinition,
  type GenerationSettings,
} from "@gembatch/core";
import { applyCommand, scanAndFixCommand } from "@gembatch/apply/cli";
import { sendCommand } from "@gembatch/send/cli";
import { afterAll, describe, expect, it } from "vitest";

interface Case {
  name: string;
  json?: Record<string, unknown>;
  flags?: Record<string, unknown>;
  env?: Record<string, string>;
  config?: Record<string, unknown>;
  expect: Partial<
    Pick<GenerationSettings, "maxTokens" | "thinking" | "temperature" | "maxCost" | "maxRetries" | "allowRetired">
  > & { error?: RegExp };
}

const MODEL = "gemini-2.5-flash";

/** One table, run through every command that calls a model: flag > JSON > env > config > default. */
const CASES: Case[] = [
  {
    name: "defaults",
    expect: { maxTokens: null, thinking: null, temperature: null, maxCost: null, maxRetries: 5, allowRetired: false },
  },
  {
    name: "config only",
    config: { max_tokens: 3000, temperature: 0.4, max_cost: 2, thinking_budget: 1024, retry: { max_retries: 2 } },
    expect: { maxTokens: 3000, temperature: 0.4, maxCost: 2, thinking: { budget: 1024 }, maxRetries: 2 },
  },
  {
    name: "env over config",
    config: { max_tokens: 3000, temperature: 0.4, max_cost: 2, thinking_budget: 1024, retry: { max_retries: 2 } },
    env: {
      GEMBATCH_MAX_TOKENS: "4000",
      GEMBATCH_TEMPERATURE: "0.6",
      GEMBATCH_MAX_COST: "3",
      GEMBATCH_THINKING_BUDGET: "-1",
      GEMBATCH_MAX_RETRIES: "1",
      GEMBATCH_ALLOW_RETIRED: "1",
    },
    expect: {
      maxTokens: 4000,
      temperature: 0.6,
      maxCost: 3,
      thinking: { budget: -1 },
      maxRetries: 1,
      allowRetired: true,
    },
  },
  {
    name: "JSON over env",
    env: {
      GEMBATCH_MAX_TOKENS: "4000",
      GEMBATCH_TEMPERATURE: "0.6",
      GEMBATCH_MAX_COST: "3",
      GEMBATCH_THINKING_BUDGET: "-1",
      GEMBATCH_MAX_RETRIES: "1",
    },
    json: { max_tokens: 5000, temperature: 0.8, max_cost: 4, thinking_budget: 0, max_retries: 0, allow_retired: true },
    expect: {
      maxTokens: 5000,
      temperature: 0.8,
      maxCost: 4,
      thinking: { budget: 0 },
      maxRetries: 0,
      allowRetired: true,
    },
  },
  {
    name: "flag over JSON",
    json: { max_tokens: 5000, max_cost: 4 },
    flags: { max_tokens: "6000", max_cost: "5" },
    expect: { maxTokens: 6000, maxCost: 5 },
  },
  {
    name: "thinking is one setting: a higher layer's budget replaces config's",
    config: { thinking_budget: 1024 },
    flags: { thinking_budget: "512" },
    expect: { thinking: { budget: 512 } },
  },
  {
    name: "the model's limit applies to a config value",
    config: { max_tokens: 70_000 },
    expect: {
      error:
        /^max_tokens \(from gembatch\.config\.json\): 70000 is above the output limit of gemini-2\.5-flash \(65536\)$/,
    },
  },
  {
    name: "a level is refused for a budget model",
    flags: { thinking_level: "LOW" },
    expect: { error: /^thinking_level: gemini-2\.5-flash takes thinking_budget/ },
  },
  {
    name: "a bad env value is named",
    env: { GEMBATCH_MAX_COST: "-1" },
    expect: { error: /^GEMBATCH_MAX_COST: invalid value "-1"/ },
  },
];

const COMMANDS: Array<[string, CommandDefinition, Record<string, unknown>]> = [
  ["send", sendCommand, { issue_report_file: "tmp/issues/fix_x.md" }],
  ["apply", applyCommand, { extracted_dir: "tmp/gemini_extracted_x" }],
  ["scan-and-fix", scanAndFixCommand, {}],
];

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(config: Record<string, unknown> | undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), "gembatch-settings-"));
  roots.push(root);
  mkdirSync(path.join(root, ".git"));
  if (config) writeFileSync(path.join(root, "gembatch.config.json"), JSON.stringify({ model: MODEL, ...config }));
  return root;
}

/** What the command's own flags, JSON keys and schema make of a case, resolved as its run() resolves them. */
async function resolveFor(
  definition: CommandDefinition,
  required: Record<string, unknown>,
  c: Case,
): Promise<GenerationSettings> {
  const cwd = project(c.config ?? {});
  const env = { GEMBATCH_MODEL: MODEL, ...c.env };
  const json = JSON.stringify({ ...required, ...c.json });
  const { input } = await assembleInput(
    definition,
    { positionals: [json], flags: c.flags ?? {} },
    { cwd, stdin: Readable.from([]) },
  );
  const parsed = parseOrThrow(definition.schema, input, { knownKeys: definition.options.map((o) => o.key) });
  const config = loadConfig({ cwd, env });
  return settingsFromContext(parsed as Record<string, never>, { config, env, warn: () => {} });
}

describe.each(COMMANDS)("%s: generation settings precedence", (_name, definition, required) => {
  it.each(CASES)("$name", async (c) => {
    const resolving = resolveFor(definition, required, c);
    if (c.expect.error) {
      await expect(resolving).rejects.toThrow(c.expect.error);
      return;
    }
    const { error: _none, ...expected } = c.expect;
    expect(await resolving).toMatchObject(expected);
  });

  it("has one flag per setting, spelled as the JSON key", () => {
    const keys = definition.options.map((o) => o.key);
    for (const key of [
      "max_tokens",
      "thinking_level",
      "thinking_budget",
      "temperature",
      "max_cost",
      "max_retries",
      "allow_retired",
    ])
      expect(keys).toContain(key);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runCommand, tempDir } from "@gembatch/test-utils";
import { defineCommand } from "./define-command.js";

const download = defineCommand({
  name: "download",
  summary: "test command with a renamed option",
  options: [
    { key: "output_dir", type: "string", description: "output folder", aliases: ["out"] },
    { key: "poll_interval", type: "number", description: "seconds", aliases: ["interval"] },
  ],
  examples: [],
  schema: z.object({ output_dir: z.string().default("results"), poll_interval: z.number().default(30) }).strict(),
  run: (input) => Promise.resolve({ success: true, input }),
  renderText: () => "ok",
});

/** `gembatch download …` in-process; `argv` names the command first, as a user types it. */
const run = (argv: string[]) => runCommand(download, argv.slice(1), { cwd: tempDir() });

describe("former option names (hidden aliases)", () => {
  it("are accepted as flags and JSON keys and land on the current key; the current name wins", async () => {
    expect(
      (
        JSON.parse((await run(["download", "--out", "a", "--interval", "5", "--json"])).out) as {
          input: Record<string, unknown>;
        }
      ).input,
    ).toEqual({
      output_dir: "a",
      poll_interval: 5,
    });
    expect(
      (JSON.parse((await run(["download", '{"out": "b", "interval": 7}'])).out) as { input: Record<string, unknown> })
        .input,
    ).toEqual({
      output_dir: "b",
      poll_interval: 7,
    });
    expect(
      (
        JSON.parse((await run(["download", "--out", "a", "--output-dir", "c", "--json"])).out) as {
          input: Record<string, unknown>;
        }
      ).input.output_dir,
    ).toBe("c");
  });

  it("are not shown in --help", async () => {
    const help = (await run(["download", "--help"])).out;
    expect(help).toContain("--output-dir <value>");
    expect(help).toContain("--poll-interval <n>");
    expect(help).not.toMatch(/--out\b/);
    expect(help).not.toMatch(/--interval\b/);
  });
});

import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

import { GoogleGenAI } from "@google/genai";
import { Command } from "commander";
import { execa } from "execa";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { tempDir } from "@gembatch/test-utils";

import { configureEmulatorCommand, registerEmulatorCommand, type EmulatorCliIo } from "./cli.js";
import { MODEL } from "../test/helpers/emulator.js";

const BIN = fileURLToPath(new URL("../bin/gembatch-emulator.js", import.meta.url));

function harness() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let stop: () => void = () => undefined;
  let exitCode: number | undefined;
  let printed: () => void = () => undefined;
  const firstLine = new Promise<void>((resolve) => (printed = resolve));
  const io: EmulatorCliIo = {
    stdout: (text) => {
      stdout.push(text);
      printed();
    },
    stderr: (text) => stderr.push(text),
    waitForStop: () => new Promise((resolve) => (stop = resolve)),
    setExitCode: (code) => (exitCode = code),
  };
  return { io, stdout, stderr, firstLine, stop: () => stop(), exitCode: () => exitCode };
}

async function run(args: string[]) {
  const h = harness();
  const command = configureEmulatorCommand(new Command("gembatch-emulator"), h.io).exitOverride();
  const done = command.parseAsync(["node", "gembatch-emulator", ...args]);
  await Promise.race([h.firstLine, done]);
  return { ...h, done };
}

describe("emulator command (in process)", () => {
  it("prints the URL first, serves the inline script, and stops cleanly", async () => {
    const cli = await run(["--api-key", "cli-key", "--script", '[{"reply":{"text":"from cli"}}]']);
    const url = (cli.stdout[0] ?? "").trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ai = new GoogleGenAI({ apiKey: "cli-key", httpOptions: { baseUrl: url } });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("from cli");
    cli.stop();
    await cli.done;
    expect(cli.exitCode()).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it("prints {url, port} with --json and reads script, faults and quota files", async () => {
    const dir = tempDir("gembatch-emulator-");
    writeFileSync(join(dir, "faults.json"), JSON.stringify([{ route: "countTokens", kind: "503" }]));
    writeFileSync(join(dir, "quota.json"), JSON.stringify({ rpm: 1 }));
    const cli = await run(["--json", "--faults", join(dir, "faults.json"), "--quota", join(dir, "quota.json")]);
    onTestFinished(() => cli.stop());
    const printed = JSON.parse(cli.stdout[0] ?? "") as { url: string; port: number };
    expect(printed.url).toBe(`http://127.0.0.1:${printed.port}`);
    const ai = new GoogleGenAI({ apiKey: "any", httpOptions: { baseUrl: printed.url } });
    await expect(ai.models.countTokens({ model: MODEL, contents: "q" })).rejects.toMatchObject({ status: 503 });
    await ai.models.generateContent({ model: MODEL, contents: "q" });
    await expect(ai.models.generateContent({ model: MODEL, contents: "q" })).rejects.toMatchObject({ status: 429 });
  });

  it("takes the key from GEMINI_API_KEY unless --any-key is given", async () => {
    vi.stubEnv("GEMINI_API_KEY", "env-key");
    const strict = await run([]);
    onTestFinished(() => strict.stop());
    const wrong = new GoogleGenAI({ apiKey: "other", httpOptions: { baseUrl: (strict.stdout[0] ?? "").trim() } });
    await expect(wrong.models.generateContent({ model: MODEL, contents: "q" })).rejects.toMatchObject({ status: 400 });

    const lenient = await run(["--any-key"]);
    onTestFinished(() => lenient.stop());
    const other = new GoogleGenAI({ apiKey: "other", httpOptions: { baseUrl: (lenient.stdout[0] ?? "").trim() } });
    expect((await other.models.generateContent({ model: MODEL, contents: "q" })).text).toBeDefined();
  });

  it("reports a bad script in one line with exit code 2", async () => {
    const missing = await run(["--script", "no-such-replies.json"]);
    await missing.done;
    expect(missing.stderr).toEqual(["gembatch emulator: script: cannot read no-such-replies.json: ENOENT\n"]);
    expect(missing.exitCode()).toBe(2);

    const invalid = await run(["--script", '{"replies":[{"reply":{"finishReason":"NOPE"}}]}']);
    await invalid.done;
    expect(invalid.stderr[0]).toMatch(/^gembatch emulator: script\.replies\[0\]\.reply\.finishReason: .*\n$/);
    expect(invalid.stderr[0]?.split("\n")).toHaveLength(2);
    expect(invalid.exitCode()).toBe(2);

    const badNumber = await run(["--time-scale", "fast"]);
    await badNumber.done;
    expect(badNumber.stderr).toEqual(["gembatch emulator: --time-scale: not a number: fast\n"]);
  });

  it("registers as the `emulator` subcommand of the umbrella program", () => {
    const program = new Command("gembatch");
    registerEmulatorCommand(program);
    const sub = program.commands.find((c) => c.name() === "emulator");
    expect(sub?.options.map((o) => o.long)).toEqual(
      expect.arrayContaining([
        "--port",
        "--host",
        "--api-key",
        "--script",
        "--faults",
        "--quota",
        "--time-scale",
        "--json",
      ]),
    );
    expect(sub?.helpInformation()).toContain("--script <file|json>");
  });
});

describe("gembatch-emulator bin (built)", () => {
  it("prints its URL as the first stdout line and exits 0 on SIGTERM", async () => {
    const child = execa("node", [BIN, "--port", "0", "--json", "--any-key"], { reject: false });
    onTestFinished(() => {
      child.kill("SIGKILL");
    });
    const [chunk] = (await once(child.stdout, "data")) as [Buffer];
    const { url } = JSON.parse(chunk.toString().split("\n")[0] ?? "") as { url: string };
    const ai = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: url } });
    expect((await ai.models.generateContent({ model: MODEL, contents: "q" })).text).toBe("emulator: no scripted reply");
    child.kill("SIGTERM");
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
  });

  it("exits 2 with a one-line error and no stack trace on a bad script file", async () => {
    const dir = tempDir("gembatch-emulator-");
    writeFileSync(join(dir, "replies.json"), "{ not json");
    const result = await execa("node", [BIN, "--script", join(dir, "replies.json")], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^gembatch emulator: script: .*replies\.json is not valid JSON: /);
  });
});

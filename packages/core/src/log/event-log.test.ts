import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";
import { builtCore } from "../../test/helpers/built-core.js";
import { createEventLog } from "./event-log.js";
import { redactSecrets, registerSecret } from "./redact.js";

describe("event log", () => {
  it("writes one JSON object a line with timestamp, event and fields", async () => {
    const file = path.join(tempDir(), "logs", "batch_submission_log.jsonl");
    const log = await createEventLog(file);
    log.event("upload_success", { batch: 81, data: { file_uri: "files/abc" } });
    log.event("batch_created", { batch: 81, data: { job: "batches/1" } });
    log.close();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; timestamp: string });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ event: "upload_success", batch: 81, data: { file_uri: "files/abc" } });
    expect(Date.parse(lines[0]!.timestamp)).not.toBeNaN();
  });

  it("redacts API keys wherever they appear in a line", async () => {
    const file = path.join(tempDir(), "log.jsonl");
    registerSecret("sk-test-secret-123456");
    const log = await createEventLog(file);
    const googleShaped = `AIza${"x".repeat(35)}`;
    log.event("error", {
      message: "request to https://h/v1?key=abcdef123456 failed",
      header: "x-goog-api-key: sk-test-secret-123456",
      nested: { again: googleShaped },
    });
    log.close();
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("sk-test-secret-123456");
    expect(text).not.toContain(googleShaped);
    expect(text).not.toContain("abcdef123456");
    expect(JSON.parse(text)).toMatchObject({ event: "error" });
  });

  it("leaves request keys and ordinary words alone", () => {
    expect(redactSecrets('{"key": "req-1", "monkey": "banana"}', {})).toBe('{"key": "req-1", "monkey": "banana"}');
  });

  it("leaves only whole lines when the writer is SIGKILLed mid-run", async () => {
    const file = path.join(tempDir(), "kill.jsonl");
    for (let round = 0; round < 8; round++) {
      const child = execa(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `
        const { createEventLog } = await import(${JSON.stringify(builtCore())});
        const log = await createEventLog(${JSON.stringify(file)});
        log.event("start", { round: ${round} });
        process.stdout.write("go\\n");
        for (let i = 0; ; i++) log.event("tick", { i, payload: "x".repeat(2000) });
      `,
        ],
        { reject: false },
      );
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + round * 5));
      child.kill("SIGKILL");
      await child;
    }
    // Only the last kill's tail can still be unfinished: every round before was repaired on open.
    const text = readFileSync(file, "utf8");
    const lines = text.slice(0, text.lastIndexOf("\n")).split("\n");
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect((): unknown => JSON.parse(line)).not.toThrow();
  }, 60_000);

  it("drops an unfinished last line before appending, so a torn write never merges with the next event", async () => {
    const file = path.join(tempDir(), "torn.jsonl");
    writeFileSync(file, '{"event":"whole"}\n{"event":"to');
    const log = await createEventLog(file);
    log.event("next");
    log.close();
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual(["whole", "next"]);
  });
});

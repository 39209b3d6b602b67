import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.js";
import { CliError } from "../errors.js";
import { createEventLog } from "../log/event-log.js";
import { createRateLimiter } from "../retry/rate-limiter.js";
import { tempDir } from "@gembatch/test-utils";
import { errorReply, okReply, quota429, scriptedServer } from "../../test/helpers/http-server.js";
import { createGeminiClient } from "./client.js";
import { generateContent } from "./generate.js";

describe("generateContent with policy", () => {
  it("retries a 429 by its RetryInfo, prices by modelVersion, and appends a ledger record and log events", async () => {
    const server = await scriptedServer([
      quota429({ quotaId: "GenerateRequestsPerMinutePerProjectPerModel", retryDelay: "12s" }),
      okReply,
    ]);
    const dir = tempDir();
    const ledger = path.join(dir, "ledger.jsonl");
    const events = await createEventLog(path.join(dir, "events.jsonl"));
    const clock = createManualClock();
    const client = await createGeminiClient({ apiKey: "test-key-123", baseUrl: server.url });
    const outcome = await generateContent(
      {
        client,
        clock,
        limiter: createRateLimiter({ requestsPerMinute: 60, clock }),
        events,
        ledger: { file: ledger, command: "send", run: "r1" },
      },
      { model: "gemini-flash-latest", contents: "fix it" },
      { estimatedTokens: 10, context: "src/a.py" },
    );
    events.close();
    expect(outcome.text).toBe("ok");
    expect(outcome.attempts).toBe(2);
    expect(outcome.retries).toMatchObject([{ kind: "rate_limit", delayMs: 12_000 }]);
    expect(outcome.cost.priced_as).toBe("gemini-2.5-flash");
    expect(outcome.cost.cost).toBeCloseTo((10 * 0.3 + 1 * 2.5) / 1e6, 12);
    const record: unknown = JSON.parse(readFileSync(ledger, "utf8").trim());
    expect(record).toMatchObject({
      command: "send",
      model: "gemini-flash-latest",
      model_version: "gemini-2.5-flash",
      prompt_tokens: 10,
      output_tokens: 1,
      run: "r1",
    });
    const logged = readFileSync(path.join(dir, "events.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(logged).toEqual(["rate_limited", "generate_done"]);
    expect(server.requests()).toBe(2);
  });

  it("throws an exit-3 CliError naming the context when the API refuses", async () => {
    const server = await scriptedServer([errorReply(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")]);
    const client = await createGeminiClient({ apiKey: "k-123456", baseUrl: server.url });
    const error = await generateContent(
      { client, clock: createManualClock() },
      { model: "m", contents: "x" },
      { estimatedTokens: 1, context: "src/b.py" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(3);
    expect((error as CliError).message).toBe("src/b.py: HTTP 400: Request contains an invalid argument.");
  });

  it("refuses to build a client without a key", async () => {
    await expect(createGeminiClient({ apiKey: undefined })).rejects.toMatchObject({ code: "NO_API_KEY", exitCode: 3 });
  });
});

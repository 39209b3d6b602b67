import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.js";
import { CliError } from "../errors.js";
import { errorReply, okReply, quota429, scriptedServer, type Reply } from "../../test/helpers/http-server.js";
import { classifyError } from "./classify.js";
import { backoffDelay, withRetry } from "./retry.js";

async function sdkAgainst(replies: Reply[]) {
  const server = await scriptedServer(replies);
  const client = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: server.url } });
  const call = () => client.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
  return { server, call };
}

async function realError(reply: Reply): Promise<unknown> {
  const { call } = await sdkAgainst([reply]);
  return call().then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("classifyError on real SDK errors", () => {
  it("reads RetryInfo.retryDelay from a per-minute 429", async () => {
    const error = await realError(
      quota429({ quotaId: "GenerateRequestsPerMinutePerProjectPerModel", retryDelay: "37s" }),
    );
    expect((error as Error).name).toBe("ApiError");
    expect(classifyError(error)).toMatchObject({
      kind: "rate_limit",
      retryable: true,
      status: 429,
      retryDelayMs: 37_000,
      quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
    });
  });

  it("treats a per-day quota 429 as final", async () => {
    const error = await realError(quota429({ quotaId: "GenerateRequestsPerDayPerProjectPerModel", retryDelay: "10s" }));
    expect(classifyError(error)).toMatchObject({ kind: "daily_quota", retryable: false });
  });

  it("classifies 503 as a retryable server error and 400 as a final client error", async () => {
    expect(classifyError(await realError(errorReply(503, "UNAVAILABLE", "The model is overloaded")))).toMatchObject({
      kind: "server",
      retryable: true,
      status: 503,
    });
    expect(
      classifyError(await realError(errorReply(400, "INVALID_ARGUMENT", "Request contains an invalid argument."))),
    ).toMatchObject({ kind: "client", retryable: false, status: 400 });
    expect(
      classifyError(await realError(errorReply(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers"))),
    ).toMatchObject({ kind: "auth", retryable: false });
    expect(
      classifyError(
        await realError(errorReply(403, "PERMISSION_DENIED", "CachedContent not found (or permission denied)")),
      ),
    ).toMatchObject({ kind: "client", retryable: false });
  });

  it("treats a refused connection as a network error", async () => {
    const client = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: "http://127.0.0.1:9" } });
    const error = await client.models.generateContent({ model: "m", contents: "x" }).catch((e: unknown) => e);
    expect(classifyError(error)).toMatchObject({ kind: "network", retryable: true });
  });
});

describe("withRetry against a local server through the real SDK", () => {
  it("waits the server's RetryInfo delay after a 429, then succeeds", async () => {
    const { server, call } = await sdkAgainst([
      quota429({ quotaId: "GenerateRequestsPerMinutePerProjectPerModel", retryDelay: "37s" }),
      okReply,
    ]);
    const clock = createManualClock();
    const outcome = await withRetry(call, { clock });
    expect(outcome.value.text).toBe("ok");
    expect(outcome.attempts).toBe(2);
    expect(clock.slept).toEqual([37_000]);
    expect(outcome.retries[0]).toMatchObject({ kind: "rate_limit", serverDelay: true, delayMs: 37_000 });
    expect(server.requests()).toBe(2);
  });

  it("waits rateLimitWaitMs after a 429 without RetryInfo (the batch-create shape)", async () => {
    const { call } = await sdkAgainst([quota429({ quotaId: "BatchCreateRequestsPerMinute" }), okReply]);
    const clock = createManualClock();
    const events: unknown[] = [];
    await withRetry(call, { clock, policy: { rateLimitWaitMs: 180_000 }, onRetry: (e) => void events.push(e) });
    expect(clock.slept).toEqual([180_000]);
    expect(events).toHaveLength(1);
  });

  it("fails fast on a per-day quota with exit code 3", async () => {
    const { server, call } = await sdkAgainst([
      quota429({ quotaId: "GenerateRequestsPerDayPerProjectPerModel", retryDelay: "5s" }),
      okReply,
    ]);
    const clock = createManualClock();
    const error = await withRetry(call, { clock, context: "src/a.py" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(3);
    expect((error as CliError).message).toMatch(
      /^src\/a\.py: daily quota exhausted \(GenerateRequestsPerDayPerProjectPerModel\)/,
    );
    expect(server.requests()).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  it("backs off exponentially on 503s, then succeeds", async () => {
    const { server, call } = await sdkAgainst([
      errorReply(503, "UNAVAILABLE", "overloaded"),
      errorReply(503, "UNAVAILABLE", "overloaded"),
      okReply,
    ]);
    const clock = createManualClock();
    const outcome = await withRetry(call, { clock, random: () => 1, policy: { baseDelayMs: 1000 } });
    expect(outcome.attempts).toBe(3);
    expect(clock.slept).toEqual([1000, 2000]);
    expect(server.requests()).toBe(3);
  });

  it("does not retry a 400, and gives up after maxRetries with exit code 3", async () => {
    const bad = await sdkAgainst([errorReply(400, "INVALID_ARGUMENT", "bad")]);
    await expect(withRetry(bad.call, { clock: createManualClock() })).rejects.toMatchObject({
      code: "API_ERROR",
      exitCode: 3,
    });
    expect(bad.server.requests()).toBe(1);
    const down = await sdkAgainst([errorReply(500, "INTERNAL", "boom")]);
    const clock = createManualClock();
    await expect(withRetry(down.call, { clock, policy: { maxRetries: 3 } })).rejects.toMatchObject({ exitCode: 3 });
    expect(down.server.requests()).toBe(4);
    expect(clock.slept).toHaveLength(3);
  });

  it("stops at once when interrupted", async () => {
    const { call } = await sdkAgainst([errorReply(503, "UNAVAILABLE", "x")]);
    const controller = new AbortController();
    controller.abort();
    await expect(withRetry(call, { clock: createManualClock(), signal: controller.signal })).rejects.toMatchObject({
      code: "INTERRUPTED",
      exitCode: 130,
    });
  });
});

describe("backoffDelay", () => {
  it("doubles up to the ceiling and keeps jitter within [ceiling/2, ceiling]", () => {
    const policy = { maxRetries: 10, baseDelayMs: 100, maxDelayMs: 1000, rateLimitWaitMs: 0 };
    expect([0, 1, 2, 3, 4, 5].map((i) => backoffDelay(i, policy, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(400);
  });
});

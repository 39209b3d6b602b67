import { readFileSync } from "node:fs";
import { join } from "node:path";

import { JobState } from "@google/genai";
import { describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";

import { createManualClock } from "../clock.js";
import { apiFailure, MODEL, raw, useEmulator } from "../../test/helpers/emulator.js";

const TIMINGS = { pendingMs: 1000, runningMs: 3000 };

function jsonl(lines: unknown[]): Blob {
  return new Blob([lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")], {
    type: "application/jsonl",
  });
}

function row(key: string, text: string): Record<string, unknown> {
  return { key, request: { contents: [{ role: "user", parts: [{ text }] }] } };
}

describe("batches: inline requests", () => {
  it("runs PENDING → RUNNING → SUCCEEDED with inlined responses keyed by metadata", async () => {
    const clock = createManualClock();
    const { ai, emu } = await useEmulator({
      clock,
      batch: TIMINGS,
      script: [
        { match: { key: "req-2" }, reply: { text: "cut", finishReason: "MAX_TOKENS" } },
        { match: { route: "batch", text: "one" }, reply: { text: "answer one" } },
      ],
    });
    const job = await ai.batches.create({
      model: MODEL,
      src: [
        { contents: "one", metadata: { key: "req-1" }, config: { systemInstruction: "sys inline", temperature: 0.1 } },
        { contents: "two", metadata: { key: "req-2" } },
        { contents: [{ role: "user", parts: [] }], metadata: { key: "req-3" } },
      ],
      config: { displayName: "inline-batch" },
    });
    expect(job).toMatchObject({
      displayName: "inline-batch",
      state: JobState.JOB_STATE_PENDING,
      model: `models/${MODEL}`,
    });
    expect(job.name).toMatch(/^batches\/[a-z0-9]{36}$/);

    clock.advance(1000);
    expect((await ai.batches.get({ name: job.name ?? "" })).state).toBe(JobState.JOB_STATE_RUNNING);
    clock.advance(3000);
    const done = await ai.batches.get({ name: job.name ?? "" });
    expect(done.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    expect(done.endTime).toBeDefined();
    const responses = done.dest?.inlinedResponses ?? [];
    expect(responses.map((r) => r.metadata)).toEqual([{ key: "req-1" }, { key: "req-2" }, { key: "req-3" }]);
    expect(responses[0]?.response?.candidates?.[0]?.content?.parts?.[0]?.text).toBe("answer one");
    expect(responses[1]?.response?.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
    expect(responses[2]?.error).toMatchObject({
      code: 400,
      message: "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n",
    });

    const rawJob = await raw(emu, `/v1beta/${job.name}`);
    expect((rawJob.json.metadata as Record<string, unknown>).batchStats).toEqual({
      requestCount: "3",
      successfulRequestCount: "2",
      failedRequestCount: "1",
    });
    expect(rawJob.json.done).toBe(true);
    expect(rawJob.json.response).toMatchObject({
      inlinedResponses: { inlinedResponses: expect.any(Array) as unknown },
    });
    expect(emu.record.generate.filter((g) => g.route === "batch").map((g) => g.key)).toEqual(["req-1", "req-2"]);
    expect(emu.record.batches).toMatchObject([
      {
        name: job.name,
        displayName: "inline-batch",
        model: MODEL,
        src: { inlinedRequests: 3 },
        state: "BATCH_STATE_SUCCEEDED",
      },
    ]);
  });

  it("reports progress in batchStats while RUNNING", async () => {
    const clock = createManualClock();
    const { ai, emu } = await useEmulator({ clock, batch: TIMINGS });
    const job = await ai.batches.create({ model: MODEL, src: ["a", "b", "c", "d"].map((t) => ({ contents: t })) });
    const stats = async () =>
      ((await raw(emu, `/v1beta/${job.name}`)).json.metadata as Record<string, unknown>).batchStats;
    expect(await stats()).toEqual({ requestCount: "4", pendingRequestCount: "4" });
    clock.advance(1000 + 1500);
    expect(await stats()).toEqual({ requestCount: "4", pendingRequestCount: "2", successfulRequestCount: "2" });
  });
});

describe("batches: JSONL input file", () => {
  it("reads an uploaded file and writes files/batch-<id>, one line per input line, keys echoed, in order", async () => {
    const clock = createManualClock();
    const { ai, emu } = await useEmulator({
      clock,
      batch: TIMINGS,
      script: [
        { match: { key: "k2" }, reply: { error: { code: 400, message: "bad request 2" } } },
        { match: { route: "batch" }, reply: { text: "ok" } },
      ],
    });
    const input = await ai.files.upload({
      file: jsonl([row("k1", "first"), row("k2", "second"), "", row("k3", "third")]),
      config: { mimeType: "application/jsonl", displayName: "batch-input" },
    });
    const job = await ai.batches.create({ model: MODEL, src: input.name ?? "", config: { displayName: "file-batch" } });
    clock.advance(4000);
    const done = await ai.batches.get({ name: job.name ?? "" });
    expect(done.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    const output = done.dest?.fileName ?? "";
    expect(output).toBe(`files/batch-${job.name?.slice("batches/".length)}`);

    const dir = tempDir("gembatch-emulator-");
    await ai.files.download({ file: output, downloadPath: join(dir, "out.jsonl") });
    const lines = readFileSync(join(dir, "out.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.key)).toEqual(["k1", "k2", "k3"]);
    expect(lines[1]).toEqual({ key: "k2", error: { code: 400, message: "bad request 2", status: "INVALID_ARGUMENT" } });
    expect(lines[2]).toMatchObject({ key: "k3", response: { candidates: [{ content: { parts: [{ text: "ok" }] } }] } });

    // Google's output ids are 42 characters, over the Files API's 40: get fails, download works.
    const { status, body } = await apiFailure(ai.files.get({ name: output }));
    expect(status).toBe(400);
    expect(body.error.message).toBe(
      "* GetFileRequest.name: File ID (name excluding 'files/') cannot be more than 40 characters.\n",
    );
    expect(emu.record.batches[0]).toMatchObject({
      displayName: "file-batch",
      src: { fileName: input.name },
      outputFile: output,
    });
    expect(emu.record.files.map((f) => f.source)).toEqual(["UPLOADED", "GENERATED"]);
  });

  it("returns inlined responses for a file job when the script asks for it", async () => {
    const clock = createManualClock();
    const { ai } = await useEmulator({ clock, batch: TIMINGS, script: { batches: [{ output: "inline" }] } });
    const input = await ai.files.upload({ file: jsonl([row("k1", "x")]), config: { mimeType: "application/jsonl" } });
    const job = await ai.batches.create({ model: MODEL, src: { fileName: input.name ?? "" } });
    clock.advance(4000);
    const done = await ai.batches.get({ name: job.name ?? "" });
    expect(done.dest?.fileName).toBeUndefined();
    expect(done.dest?.inlinedResponses?.[0]?.metadata).toEqual({ key: "k1" });
  });

  it("fails the job (not the create call) when a line is not JSON", async () => {
    const clock = createManualClock();
    const { ai, emu } = await useEmulator({ clock, batch: TIMINGS });
    const input = await ai.files.upload({
      file: jsonl([row("k1", "x"), "{not json"]),
      config: { mimeType: "application/jsonl" },
    });
    const job = await ai.batches.create({ model: MODEL, src: input.name ?? "" });
    expect(job.state).toBe(JobState.JOB_STATE_PENDING);
    clock.advance(1000);
    expect((await ai.batches.get({ name: job.name ?? "" })).state).toBe(JobState.JOB_STATE_FAILED);
    const op = (await raw(emu, `/v1beta/${job.name}`)).json;
    expect(op).toMatchObject({ done: true, error: { code: 3, message: "Invalid JSON on line 2 of the input file." } });
  });

  it("refuses a missing input file with 403", async () => {
    const { ai } = await useEmulator();
    expect((await apiFailure(ai.batches.create({ model: MODEL, src: "files/nope" }))).status).toBe(403);
  });
});

describe("batches: other outcomes and operations", () => {
  it.each(["inline", "file"] as const)(
    "ends FAILED, CANCELLED or EXPIRED as scripted by display name (%s input)",
    async (source) => {
      const clock = createManualClock();
      const { ai } = await useEmulator({
        clock,
        batch: { ...TIMINGS, expireAfterMs: 48 * 3600 * 1000 },
        script: {
          batches: [
            { match: { displayName: "will-fail" }, outcome: "FAILED", error: { code: 13, message: "boom" } },
            { match: { displayNameRegex: "^cancel" }, outcome: "CANCELLED" },
            { match: { displayName: "stuck" }, outcome: "EXPIRED" },
          ],
        },
      });
      const input = await ai.files.upload({ file: jsonl([row("k1", "x")]), config: { mimeType: "application/jsonl" } });
      const src = source === "inline" ? [{ contents: "x" }] : (input.name ?? "");
      const create = (displayName: string) => ai.batches.create({ model: MODEL, src, config: { displayName } });
      const failed = await create("will-fail");
      const cancelled = await create("cancel-me");
      const stuck = await create("stuck");
      clock.advance(4000);
      const state = async (name?: string) => (await ai.batches.get({ name: name ?? "" })).state;
      expect(await state(failed.name)).toBe(JobState.JOB_STATE_FAILED);
      expect(await state(cancelled.name)).toBe(JobState.JOB_STATE_CANCELLED);
      expect(await state(stuck.name)).toBe(JobState.JOB_STATE_RUNNING);
      clock.advance(48 * 3600 * 1000);
      expect(await state(stuck.name)).toBe(JobState.JOB_STATE_EXPIRED);
      expect((await ai.batches.get({ name: stuck.name ?? "" })).dest).toBeUndefined();
    },
  );

  it("cancels a running job", async () => {
    const clock = createManualClock();
    const { ai } = await useEmulator({ clock, batch: TIMINGS });
    const job = await ai.batches.create({ model: MODEL, src: [{ contents: "x" }] });
    clock.advance(1500);
    await ai.batches.cancel({ name: job.name ?? "" });
    clock.advance(10_000);
    const after = await ai.batches.get({ name: job.name ?? "" });
    expect(after.state).toBe(JobState.JOB_STATE_CANCELLED);
    expect(after.dest).toBeUndefined();
  });

  it("lists jobs under operations, paging to the end, and forgets deleted ones", async () => {
    const { ai, emu } = await useEmulator();
    const names: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      names.push(
        (await ai.batches.create({ model: MODEL, src: [{ contents: `x${i}` }], config: { displayName: `job-${i}` } }))
          .name ?? "",
      );
    }
    const listed: string[] = [];
    for await (const job of await ai.batches.list({ config: { pageSize: 2 } })) listed.push(job.name ?? "");
    expect(listed.sort()).toEqual([...names].sort());
    expect(emu.record.counts["batches.list"]).toBe(2);
    expect((await raw(emu, "/v1beta/batches?pageSize=2")).json.operations).toHaveLength(2);

    await ai.batches.delete({ name: names[0] ?? "" });
    expect((await apiFailure(ai.batches.get({ name: names[0] ?? "" }))).status).toBe(404);
    const remaining: string[] = [];
    for await (const job of await ai.batches.list()) remaining.push(job.name ?? "");
    expect(remaining).toHaveLength(2);
    expect(emu.record.batches.filter((b) => b.deleted)).toHaveLength(1);
  });

  it("refuses a malformed create with 400", async () => {
    const { emu } = await useEmulator();
    const path = `/v1beta/models/${MODEL}:batchGenerateContent`;
    expect((await raw(emu, path, { body: "{}" })).status).toBe(400);
    expect((await raw(emu, path, { body: JSON.stringify({ batch: { inputConfig: {} } }) })).status).toBe(400);
    expect(
      (await raw(emu, path, { body: JSON.stringify({ batch: { inputConfig: { requests: { requests: [{}] } } } }) }))
        .status,
    ).toBe(400);
    expect(emu.record.batches).toEqual([]);
  });
});

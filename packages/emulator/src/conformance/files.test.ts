import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";
import { tempDir } from "@gembatch/test-utils";

import { createManualClock } from "../clock.js";
import { apiFailure, useEmulator } from "../../test/helpers/emulator.js";

const MIB = 1024 * 1024;

describe("files", () => {
  it("uploads a file larger than 8 MiB in two resumable chunks", async () => {
    const { ai, emu } = await useEmulator();
    const dir = tempDir("gembatch-emulator-");
    const path = join(dir, "big.bin");
    const bytes = randomBytes(9 * MIB + 123);
    writeFileSync(path, bytes);

    const file = await ai.files.upload({
      file: path,
      config: { mimeType: "application/octet-stream", displayName: "big" },
    });
    expect(file).toMatchObject({
      displayName: "big",
      mimeType: "application/octet-stream",
      sizeBytes: String(bytes.length),
      state: "ACTIVE",
      source: "UPLOADED",
    });
    expect(file.name).toMatch(/^files\/[a-z0-9]{12}$/);
    expect(Date.parse(file.expirationTime ?? "") - Date.parse(file.createTime ?? "")).toBe(48 * 3600 * 1000);
    expect(emu.record.uploads).toEqual({ started: 1, completed: 1, chunks: 2, bytes: bytes.length });
    expect(emu.record.counts).toMatchObject({ "files.upload": 1, "files.uploadChunk": 2 });

    const fetched = await ai.files.get({ name: file.name ?? "" });
    expect(fetched.sha256Hash).toBe(file.sha256Hash);
  });

  it("keeps the exact bytes and serves them at :download when allowed", async () => {
    const { ai } = await useEmulator({ files: { allowUploadedDownload: true } });
    const dir = tempDir("gembatch-emulator-");
    const content = "line one\nline two\n";
    const blob = new Blob([content], { type: "text/plain" });
    const file = await ai.files.upload({ file: blob, config: { name: "notes-1" } });
    expect(file.name).toBe("files/notes-1");
    const out = join(dir, "out.txt");
    await ai.files.download({ file: "files/notes-1", downloadPath: out });
    expect(readFileSync(out, "utf8")).toBe(content);
  });

  it("refuses to download an uploaded file by default, as Google serves only generated ones", async () => {
    const { ai } = await useEmulator();
    const dir = tempDir("gembatch-emulator-");
    const file = await ai.files.upload({ file: new Blob(["x"], { type: "text/plain" }) });
    const { status, body } = await apiFailure(
      ai.files.download({ file: file.name ?? "", downloadPath: join(dir, "x") }),
    );
    expect(status).toBe(400);
    expect(body.error.status).toBe("FAILED_PRECONDITION");
  });

  it("pages through the list to the end, the last page without nextPageToken", async () => {
    const { ai, emu } = await useEmulator();
    const names: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const f = await ai.files.upload({
        file: new Blob([`file ${i}`], { type: "text/plain" }),
        config: { displayName: `f${i}` },
      });
      names.push(f.name ?? "");
    }
    const pager = await ai.files.list({ config: { pageSize: 2 } });
    const seen: string[] = [];
    for await (const f of pager) seen.push(f.name ?? "");
    expect(seen.sort()).toEqual([...names].sort());
    expect(emu.record.counts["files.list"]).toBe(3);
    expect(pager.hasNextPage()).toBe(false);
  });

  it("answers an empty list with {}", async () => {
    const { ai } = await useEmulator();
    const pager = await ai.files.list();
    expect(pager.pageLength).toBe(0);
    expect(pager.hasNextPage()).toBe(false);
  });

  it("deletes a file; afterwards get answers 403 PERMISSION_DENIED", async () => {
    const { ai, emu } = await useEmulator();
    const file = await ai.files.upload({ file: new Blob(["x"], { type: "text/plain" }) });
    await ai.files.delete({ name: file.name ?? "" });
    const { status, body } = await apiFailure(ai.files.get({ name: file.name ?? "" }));
    expect(status).toBe(403);
    expect(body.error.message).toBe(
      `You do not have permission to access the File ${file.name?.slice(6)} or it may not exist.`,
    );
    expect(emu.record.files[0]).toMatchObject({ name: file.name, deleted: true });
  });

  it("expires files 48 emulated hours after upload", async () => {
    const clock = createManualClock({ startTime: "2026-03-01T00:00:00Z" });
    const { ai } = await useEmulator({ clock });
    const file = await ai.files.upload({ file: new Blob(["x"], { type: "text/plain" }) });
    clock.advance(48 * 3600 * 1000 - 1);
    expect((await ai.files.get({ name: file.name ?? "" })).name).toBe(file.name);
    clock.advance(1);
    expect((await apiFailure(ai.files.get({ name: file.name ?? "" }))).status).toBe(403);
    expect((await ai.files.list()).pageLength).toBe(0);
  });

  it("refuses a name already taken with 409 ALREADY_EXISTS", async () => {
    const { ai } = await useEmulator();
    await ai.files.upload({ file: new Blob(["a"], { type: "text/plain" }), config: { name: "same" } });
    const { status } = await apiFailure(
      ai.files.upload({ file: new Blob(["b"], { type: "text/plain" }), config: { name: "same" } }),
    );
    expect(status).toBe(409);
  });
});

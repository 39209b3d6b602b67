import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CliError } from "../errors.js";
import { tempDir } from "@gembatch/test-utils";
import { builtCore } from "../../test/helpers/built-core.js";
import { createStateStore } from "./state-store.js";

const Schema = z.object({ counter: z.number().int(), items: z.array(z.string()) }).strict();

describe("state store", () => {
  it("round-trips through an atomic write and keeps the previous good copy as .bak", async () => {
    const dir = tempDir();
    const store = createStateStore({ file: path.join(dir, "state.json"), schema: Schema, version: 1 });
    expect(await store.load()).toBeUndefined();
    await store.lock();
    await store.save({ counter: 1, items: ["a"] });
    await store.save({ counter: 2, items: ["a", "b"] });
    await store.release();
    const again = createStateStore({ file: path.join(dir, "state.json"), schema: Schema, version: 1 });
    expect(await again.load()).toEqual({ counter: 2, items: ["a", "b"] });
    expect(JSON.parse(readFileSync(path.join(dir, "state.json.bak"), "utf8"))).toEqual({
      schema_version: 1,
      counter: 1,
      items: ["a"],
    });
  });

  it("runs concurrent saves one after another, the last call's state winning", async () => {
    const dir = tempDir();
    const store = createStateStore({ file: path.join(dir, "state.json"), schema: Schema, version: 1 });
    await store.lock();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ counter: i, items: [String(i)] })));
    await store.release();
    expect(JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8"))).toMatchObject({ counter: 19 });
    expect(JSON.parse(readFileSync(path.join(dir, "state.json.bak"), "utf8"))).toMatchObject({ counter: 18 });
  });

  it("refuses to save without the lock and never writes state that fails its schema", async () => {
    const dir = tempDir();
    const store = createStateStore({ file: path.join(dir, "s.json"), schema: Schema, version: 1 });
    await expect(store.save({ counter: 1, items: [] })).rejects.toMatchObject({ code: "STATE_LOCKED" });
    await store.lock();
    await expect(store.save({ counter: 1.5, items: [] })).rejects.toThrow(/invalid state/);
    expect(existsSync(path.join(dir, "s.json"))).toBe(false);
    await store.release();
  });

  it("keeps a corrupt file and its .bak untouched and names the .bak in the error", async () => {
    const dir = tempDir();
    const file = path.join(dir, "batch_submission_state.json");
    writeFileSync(file, '{"schema_version": 1, "counter": 3, "ite');
    writeFileSync(`${file}.bak`, '{"schema_version": 1, "counter": 2, "items": []}\n');
    const before = [readFileSync(file), readFileSync(`${file}.bak`)];
    const store = createStateStore({ file, schema: Schema, version: 1 });
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe("STATE_CORRUPT");
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain("batch_submission_state.json is unreadable (not valid JSON");
    expect((error as CliError).hint).toContain("batch_submission_state.json.bak");
    await store.lock();
    await expect(store.save({ counter: 9, items: [] })).rejects.toMatchObject({ code: "STATE_CORRUPT" });
    await store.release();
    expect(readFileSync(file)).toEqual(before[0]);
    expect(readFileSync(`${file}.bak`)).toEqual(before[1]);
  });

  it("refuses a file that fails the schema or has another schema_version, naming the problem", async () => {
    const dir = tempDir();
    const file = path.join(dir, "s.json");
    writeFileSync(file, JSON.stringify({ schema_version: 1, counter: "three", items: [] }));
    const store = createStateStore({ file, schema: Schema, version: 1 });
    await expect(store.load()).rejects.toThrow(/counter: .*expected number/);
    writeFileSync(file, JSON.stringify({ schema_version: 7, counter: 1, items: [] }));
    await expect(store.load()).rejects.toThrow(/schema_version 7 where 1 is expected/);
  });

  it("refuses a second writer with a message naming the holder, and takes over a dead holder's lock", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    const holder = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
      const { createStateStore } = await import(${JSON.stringify(builtCore())});
      const { z } = await import("zod");
      const store = createStateStore({ file: ${JSON.stringify(file)}, schema: z.object({ n: z.number() }), version: 1, command: "holder-test" });
      await store.lock();
      await store.save({ n: 1 });
      process.stdout.write("locked\\n");
      setInterval(() => {}, 1000);
    `,
      ],
      { cwd: path.dirname(builtCore()), stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const second = createStateStore({ file, schema: z.object({ n: z.number() }), version: 1 });
    const refused = await second.lock().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).code).toBe("STATE_LOCKED");
    expect((refused as CliError).message).toMatch(
      new RegExp(`state\\.json is locked by pid ${holder.pid} on .* \\(holder-test, since`),
    );
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    await second.lock();
    expect(await second.load()).toEqual({ n: 1 });
    await second.save({ n: 2 });
    await second.release();
  });

  it("takes over a lock whose holder died before naming itself", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 5_000);
    utimesSync(`${file}.lock`, old, old);
    const store = createStateStore({ file, schema: Schema, version: 1 });
    await store.lock();
    await store.save({ counter: 1, items: [] });
    await store.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("does not take over a fresh nameless lock (its holder is about to name itself)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    mkdirSync(`${file}.lock`);
    const store = createStateStore({ file, schema: Schema, version: 1 });
    // Keep the lock looking fresh while the second process waits for a name.
    const touch = setInterval(() => utimesSync(`${file}.lock`, new Date(), new Date()), 100);
    try {
      await expect(store.lock()).rejects.toMatchObject({ code: "STATE_LOCKED" });
    } finally {
      clearInterval(touch);
    }
  });

  it("never leaves a torn or unreadable state file when the writer is SIGKILLed mid-write (50 kills)", async () => {
    const dir = tempDir();
    const file = path.join(dir, "state.json");
    const writer = `
      const { createStateStore } = await import(${JSON.stringify(builtCore())});
      const { z } = await import("zod");
      const store = createStateStore({ file: ${JSON.stringify(file)}, schema: z.object({ counter: z.number(), payload: z.array(z.string()) }), version: 1 });
      await store.lock();
      let state = (await store.load()) ?? { counter: 0, payload: [] };
      process.stdout.write("ready\\n");
      for (;;) {
        state = { counter: state.counter + 1, payload: Array.from({ length: 200 }, (_, i) => "item-" + state.counter + "-" + i) };
        await store.save(state);
      }
    `;
    let last = 0;
    for (let kill = 0; kill < 50; kill++) {
      const child = execa(process.execPath, ["--input-type=module", "-e", writer], {
        cwd: path.dirname(builtCore()),
        reject: false,
      });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 40)));
      child.kill("SIGKILL");
      await child;
      const store = createStateStore({
        file,
        schema: z.object({ counter: z.number(), payload: z.array(z.string()) }),
        version: 1,
      });
      const state = await store.load();
      if (state === undefined) {
        // Killed before its very first save: no file yet, which is not a torn one.
        expect(last).toBe(0);
        continue;
      }
      expect(state.payload).toHaveLength(state.counter === 0 ? 0 : 200);
      expect(state.counter).toBeGreaterThanOrEqual(last);
      last = state.counter;
    }
    // The writer made progress across the kills (each run saves at least once under load).
    expect(last).toBeGreaterThan(0);
  }, 120_000);
});

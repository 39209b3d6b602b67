import { readFileSync } from "node:fs";

import { z } from "zod";

import type { ClockInput } from "./clock.js";
import { EmulatorConfigError, parseWith } from "./config-error.js";
import type { FaultsInput } from "./faults.js";
import type { QuotaInput } from "./quotas.js";
import type { ScriptInput } from "./script-schema.js";

const HOUR = 3_600_000;

/** Options of `startEmulator`. Durations are emulated milliseconds (see `timeScale`). */
export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted `x-goog-api-key` value(s). Unset: any non-empty key is accepted. */
  apiKey?: string | string[] | undefined;
  /** Scripted replies: an object, a list of reply entries, a path to a JSON file, or inline JSON text. */
  script?: ScriptInput | string;
  /** Fault rules: a list, `{seed, rules}`, a path or inline JSON. */
  faults?: FaultsInput | string;
  /** Quotas to enforce: an object, a path or inline JSON. */
  quotas?: QuotaInput | string;
  /** Emulated milliseconds per real millisecond (default 1). Ignored for anything `clock` provides. */
  timeScale?: number;
  /** Emulated time at start (default: now). */
  startTime?: number | string | Date;
  /** An injected clock; `now()` is required, timers fall back to real ones scaled by `timeScale`. */
  clock?: ClockInput;
  /** Seed for probabilistic faults (default 1). */
  seed?: number;
  /** Model ids to serve; default: any `gemini-*`, `gemma-*`, `learnlm-*` id except retired families. */
  models?: string[];
  /** `modelVersion` to report per requested model id (default: the id itself). */
  modelVersions?: Record<string, string>;
  batch?: {
    /** Time a job stays PENDING (default 1000). */
    pendingMs?: number;
    /** Time a job stays RUNNING before it ends (default 3000). */
    runningMs?: number;
    /** A job not done by then is EXPIRED (default 48 h). */
    expireAfterMs?: number;
  };
  files?: {
    /** File lifetime (default 48 h). */
    ttlMs?: number;
    /** Google only serves `:download` for generated files; set true to allow uploaded ones too. */
    allowUploadedDownload?: boolean;
  };
  caches?: {
    /** Minimum cached tokens; default 2,048 for 2.x models and 4,096 for newer ones. */
    minTokens?: number;
  };
  stream?: {
    /** Chunks a streamed reply is split into (default 3). */
    chunks?: number;
    /** Delay between stream chunks (default 0). */
    chunkDelayMs?: number;
  };
  record?: {
    /** Cap on each list in the record (default 10000); older entries are dropped first. */
    maxEntries?: number;
  };
}

const Ms = z.number().nonnegative();

const SettingsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().min(1).default("127.0.0.1"),
    apiKey: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    timeScale: z.number().positive().default(1),
    seed: z.number().int().optional(),
    models: z.array(z.string().min(1)).optional(),
    modelVersions: z.record(z.string(), z.string()).default({}),
    batch: z
      .object({ pendingMs: Ms.default(1000), runningMs: Ms.default(3000), expireAfterMs: Ms.default(48 * HOUR) })
      .strict()
      .default({ pendingMs: 1000, runningMs: 3000, expireAfterMs: 48 * HOUR }),
    files: z
      .object({
        ttlMs: z
          .number()
          .positive()
          .default(48 * HOUR),
        allowUploadedDownload: z.boolean().default(false),
      })
      .strict()
      .default({ ttlMs: 48 * HOUR, allowUploadedDownload: false }),
    caches: z.object({ minTokens: z.number().int().nonnegative().optional() }).strict().default({}),
    stream: z
      .object({ chunks: z.number().int().positive().default(3), chunkDelayMs: Ms.default(0) })
      .strict()
      .default({ chunks: 3, chunkDelayMs: 0 }),
    record: z
      .object({ maxEntries: z.number().int().positive().default(10_000) })
      .strict()
      .default({ maxEntries: 10_000 }),
  })
  .strict();

export type Settings = z.output<typeof SettingsSchema>;

export function parseSettings(options: EmulatorOptions): Settings {
  const { script: _s, faults: _f, quotas: _q, clock: _c, startTime: _t, ...rest } = options;
  return parseWith(SettingsSchema, "", rest);
}

/** Reads a script/faults/quota value: an object as is, inline JSON text, or a path to a JSON file. */
export function loadJsonSource(value: unknown, root: string): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text.startsWith("{") || text.startsWith("[")) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new EmulatorConfigError(`${root}: invalid inline JSON: ${(error as Error).message}`);
    }
  }
  let content: string;
  try {
    content = readFileSync(value, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new EmulatorConfigError(`${root}: cannot read ${value}: ${code}`);
  }
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new EmulatorConfigError(`${root}: ${value} is not valid JSON: ${(error as Error).message}`);
  }
}

import { PassThrough, Readable } from "node:stream";
import type { Io } from "@gembatch/core";

export interface CapturedIo extends Io {
  out(): string;
  err(): string;
}

export interface IoOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  signal?: AbortSignal;
  clock?: Io["clock"];
}

/** In-memory stdio for running commands in-process. */
export function captureIo(options: IoOptions): CapturedIo {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return {
    cwd: options.cwd,
    env: options.env ?? {},
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    out: () => out,
    err: () => err,
  };
}

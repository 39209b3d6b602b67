import { PassThrough, Readable } from "node:stream";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

/** A fresh temporary directory, removed when the test finishes. */
export function tempDir(prefix = "gembatch-extract-"): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A project root (it holds .git, so config discovery stops here) with the given files. */
export function project(files: Record<string, string> = {}): string {
  const root = tempDir("gembatch-extract-project-");
  mkdirSync(path.join(root, ".git"));
  for (const [name, content] of Object.entries(files)) put(root, name, content);
  return root;
}

export function put(root: string, name: string, content: string | Buffer): string {
  const file = path.join(root, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** A reply in the format the sender asks for. */
export function reply(file: string, content: string, options: { fence?: string; lang?: string } = {}): string {
  const fence = options.fence ?? "```";
  return `<!-- CODE_FILE_START: ${file} -->\n${fence}${options.lang ?? ""}\n${content}${content.endsWith("\n") ? "" : "\n"}${fence}\n<!-- CODE_FILE_END: ${file} -->\n`;
}

/** A run directory as the sender writes it: request, response and meta per file, plus BATCH_SUMMARY.json. */
export function runDir(
  root: string,
  entries: Array<{ file: string; response: string; meta?: Record<string, unknown> | null; request?: string }>,
  options: { name?: string; summary?: unknown } = {},
): string {
  const dir = path.join(root, "tmp", options.name ?? "gemini_batch_20260101_120000");
  mkdirSync(dir, { recursive: true });
  entries.forEach((entry, i) => {
    const stem = path.parse(entry.file).name;
    const n = i + 1;
    writeFileSync(path.join(dir, `response_${n}_${stem}.md`), entry.response);
    if (entry.request !== undefined) writeFileSync(path.join(dir, `request_${n}_${stem}.md`), entry.request);
    if (entry.meta !== null) {
      const meta = entry.meta ?? {
        file_to_fix: entry.file,
        finish_reason: "STOP",
        truncated: false,
        sha256_sent: "0".repeat(64),
        fence: "```",
      };
      writeFileSync(path.join(dir, `response_${n}_${stem}.meta.json`), JSON.stringify(meta));
    }
  });
  if (options.summary !== undefined)
    writeFileSync(path.join(dir, "BATCH_SUMMARY.json"), JSON.stringify(options.summary));
  return dir;
}

/** In-memory stdio for running a command through the core harness in-process. */
export function captureIo(cwd: string) {
  let out = "";
  let err = "";
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { cwd, env: {}, stdin: Readable.from([]), stdout, stderr, out: () => out, err: () => err };
}

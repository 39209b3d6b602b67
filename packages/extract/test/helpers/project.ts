import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeTree } from "@gembatch/test-utils";

/** Writes one file under `root` and returns its path. */
export function put(root: string, name: string, content: string | Buffer): string {
  writeTree(root, { [name]: content });
  return path.join(root, name);
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

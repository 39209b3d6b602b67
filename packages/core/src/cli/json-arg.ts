import { readFile } from "node:fs/promises";
import path from "node:path";
import { CliError } from "../errors.js";

/** True when a first positional is meant as the single JSON argument rather than a value. */
export function looksLikeJsonArgument(value: string | undefined): value is string {
  if (value === undefined) return false;
  const trimmed = value.trimStart();
  return trimmed.startsWith("{") || trimmed.startsWith("[") || value.startsWith("@") || value === "-";
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY) {
    throw new CliError("BAD_INPUT", "stdin: '-' reads the JSON argument from stdin, but stdin is a terminal", {
      hint: "pipe the JSON in: echo '{...}' | gembatch <command> -",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Read `{...}`, `@file.json` or `-` (stdin) into a plain object, with one-line errors naming the source. */
export async function readJsonArgument(
  raw: string,
  options: { cwd: string; stdin: NodeJS.ReadableStream },
): Promise<Record<string, unknown>> {
  let text: string;
  let source: string;
  if (raw === "-") {
    source = "stdin";
    text = await readStdin(options.stdin);
    if (text.trim() === "") {
      throw new CliError("BAD_INPUT", "stdin: empty input, expected one JSON object", {
        hint: 'pipe a JSON object such as \'{"files_to_fix": ["src/a.py"]}\'',
      });
    }
  } else if (raw.startsWith("@")) {
    const file = raw.slice(1);
    source = file;
    if (file === "")
      throw new CliError("BAD_INPUT", "@: missing file name after '@'", { hint: "use @path/to/args.json" });
    try {
      text = await readFile(path.resolve(options.cwd, file), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : "cannot be read";
      throw new CliError("FILE_NOT_FOUND", `${file}: JSON argument file ${reason}`, {
        hint: "pass the JSON inline, as @path/to/args.json, or - for stdin",
      });
    }
  } else {
    source = "JSON argument";
    text = raw;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CliError("BAD_INPUT", `${source}: not valid JSON (${detail})`, {
      hint: 'quote the whole object for the shell: \'{"key": "value"}\'',
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
    throw new CliError("BAD_INPUT", `${source}: expected a JSON object, got ${kind}`, {
      hint: "wrap the arguments in an object: '{\"files_to_fix\": [...]}'",
    });
  }
  return value as Record<string, unknown>;
}

import { stat } from "node:fs/promises";
import path from "node:path";
import { CliError } from "@gembatch/core";
import { isInside } from "./paths.js";
import { isRequestFileName, listResponses } from "./run-dir.js";

interface ResolvedInputs {
  /** Absolute response files, in the order given (a directory expands in request order), no duplicates. */
  responses: string[];
  /** Run directories given directly, for their BATCH_SUMMARY.json. */
  runDirs: string[];
}

/** Turn `markdown_file` (a response, a run directory, or a list of them) into response files; exit 2 on bad input. */
export async function resolveInputs(markdownFile: string | readonly string[], cwd: string): Promise<ResolvedInputs> {
  const values = typeof markdownFile === "string" ? [markdownFile] : [...markdownFile];
  const label = (i: number) => (typeof markdownFile === "string" ? "markdown_file" : `markdown_file[${i}]`);
  const responses: string[] = [];
  const runDirs: string[] = [];
  for (const [i, value] of values.entries()) {
    const resolved = path.resolve(cwd, value);
    let info;
    try {
      info = await stat(resolved);
    } catch {
      throw new CliError("FILE_NOT_FOUND", `${label(i)}: file not found: ${value}`, {
        hint: "pass a response file (tmp/gemini_batch_<stamp>/response_<n>_<name>.md) or its run directory",
      });
    }
    if (info.isDirectory()) {
      const found = await listResponses(resolved);
      if (found.length === 0) {
        throw new CliError("BAD_INPUT", `${label(i)}: no response_<n>_<name>.md files in ${value}`, {
          hint: "pass a run directory written by gembatch send, or a response file",
        });
      }
      runDirs.push(resolved);
      responses.push(...found);
    } else if (isRequestFileName(resolved)) {
      throw new CliError("BAD_INPUT", `${label(i)}: ${value} is a request (what was sent), not a reply`, {
        hint: `pass ${path.basename(resolved).replace(/^request_/, "response_")} or the run directory`,
      });
    } else {
      responses.push(resolved);
    }
  }
  return { responses: [...new Set(responses)], runDirs };
}

/** The output directory may not be the project or hold it: extraction never writes into the project. */
export function checkOutputDir(options: { given: string; resolved: string; projectRoot: string }): void {
  if (isInside(options.resolved, options.projectRoot)) {
    throw new CliError("PATH_OUTSIDE_PROJECT", `output_dir: ${options.given} is the project root or contains it`, {
      hint: "extraction writes to a separate tree (default tmp/gemini_extracted_<stamp>); apply the files with gembatch apply",
    });
  }
}

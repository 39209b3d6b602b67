import { parseReport, type ParsedReport } from "@gembatch/report";
import type { SourceFile } from "./inputs.js";

/**
 * What the report says about the files being sent, as warnings: a file it does not list, or a context
 * copy that differs from the file on disk (the request carries both; the model is told the one on disk
 * is the one to fix). A report in another layout is still sent as it is.
 */
export function checkReport(
  report: string,
  files: SourceFile[],
): { warnings: string[]; languages: Map<string, string> } {
  let parsed: ParsedReport;
  try {
    parsed = parseReport(report);
  } catch (error) {
    return { warnings: [`${(error as Error).message}; it is sent as it is`], languages: new Map() };
  }
  const warnings: string[] = [];
  const listed = new Set(parsed.filesToFix.map((f) => f.replace(/^\.\//, "")));
  const context = new Map(parsed.contextFiles.map((c) => [c.path.replace(/^\.\//, ""), c]));
  for (const file of files) {
    if (!listed.has(file.file)) warnings.push(`${file.file} is not in the report's "Files to Fix" list`);
    const copy = context.get(file.file);
    if (copy && copy.content !== file.content)
      warnings.push(
        `the report's copy of ${file.file} differs from the file on disk; the request asks for a fix of the file as it is now`,
      );
  }
  const languages = new Map(
    parsed.contextFiles.filter((c) => c.language).map((c) => [c.path.replace(/^\.\//, ""), c.language]),
  );
  return { warnings, languages };
}

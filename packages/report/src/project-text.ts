import { realpathSync } from "node:fs";
import path from "node:path";
import { isInsideDir, readProjectFile, toCliError } from "@gembatch/core";
import { decodeUtf8Text, describeTextProblem, readUtf8File, textBytesProblem } from "./utf8.js";

interface ProjectText {
  text: string;
  bytes: number;
  /** Project-relative POSIX path of the file actually read (links inside the project resolved). */
  relative: string;
}

/**
 * A project file's text for a report, a request or a prompt, read through the project guard at the
 * moment of reading: a symlink that leaves the project, anything in `.git`, a dangling link or a
 * non-regular file is refused (PATH_OUTSIDE_PROJECT) naming the field, as is text that is not UTF-8.
 */
export function readProjectText(
  root: string,
  candidate: string,
  options: { field: string; display: string },
): ProjectText {
  const { bytes, relative } = readProjectFile(root, candidate, options);
  return { text: decodeUtf8Text(bytes, options), bytes: bytes.length, relative };
}

/**
 * A file the user names whose place is theirs to choose (an issue report, a details file): inside
 * the project it is a project file and goes through the guard; a path that is outside the project as
 * written is the user's own and is read as given.
 */
export function readNamedText(options: { root: string; cwd: string; value: string; field: string }): {
  text: string;
  bytes: number;
} {
  const absolute = path.resolve(options.cwd, options.value);
  const display = { field: options.field, display: options.value };
  const inside = isInsideDir(path.resolve(options.root), absolute) || isInsideDir(realpathSync(options.root), absolute);
  if (inside) return readProjectText(options.root, absolute, display);
  return readUtf8File(absolute, display);
}

type FlaggedRead = { text: string } | { missing: true } | { problem: string };

/**
 * A file a scan flagged, read to be fixed: its text, gone (nothing left to fix), or why it must be set
 * aside on its own (one line): a path the guard refuses, bytes that are not UTF-8, a binary file.
 */
export function readFlaggedFile(root: string, file: string): FlaggedRead {
  let bytes: Buffer;
  try {
    bytes = readProjectFile(root, file, { field: "flagged file" }).bytes;
  } catch (error) {
    const cliError = toCliError(error);
    return cliError.code === "FILE_NOT_FOUND" ? { missing: true } : { problem: cliError.message };
  }
  const problem = textBytesProblem(bytes);
  return problem
    ? { problem: describeTextProblem(problem) }
    : { text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}

import type { RuleSpec } from "./rules/schema.js";
import type { FileScan } from "./scan-file.js";
import type { Skipped } from "./walk.js";

/** What the main thread hands a scan worker: rule specs (regexes do not cross threads) and its share of files. */
export interface WorkerRequest {
  root: string;
  specs: RuleSpec[];
  /** Each file with the indexes of the rules that apply to it. */
  files: Array<{ file: string; rules: number[] }>;
  maxBytes: number;
  contextLines: number;
}

export interface FileResult {
  file: string;
  skip?: Omit<Skipped, "file">;
  scan?: FileScan;
}

export interface WorkerResponse {
  /** Files with findings, suppressed or filtered matches, or skipped; the rest are only counted. */
  results: FileResult[];
  /** Files scanned with nothing to report (left out of `results`: posting them costs memory). */
  clean: number;
  /** The last batch of this worker. */
  done: boolean;
}

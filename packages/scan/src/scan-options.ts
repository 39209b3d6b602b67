import path from "node:path";
import { CliError } from "@gembatch/core";
import type { ScanConfig, Severity } from "./rules/schema.js";
import type { RunScanOptions } from "./run-scan.js";
import { isInside, toPosix } from "./walk.js";

/** What a command's own input may set; each key given wins over the config's `scan` key of the same name. */
export interface ScanSettingsInput {
  /** Relative to `cwd` (default: the config's `scan.paths`, relative to the project root, else the cwd). */
  paths?: string[] | undefined;
  include?: string[] | undefined;
  /** Added to the config's excludes, not instead of them. */
  exclude?: string[] | undefined;
  gitignore?: boolean | undefined;
  default_excludes?: boolean | undefined;
  hidden?: boolean | undefined;
  max_file_bytes?: number | undefined;
  context_lines?: number | undefined;
  min_severity?: Severity | undefined;
  workers?: number | undefined;
}

export interface ScanPlace {
  cwd: string;
  projectRoot: string;
  /** Skipped with the default excludes: reports, backups and extracted files live there. */
  tmpDir: string;
  /** The config file, if any: never scanned, as its rules' patterns would match themselves. */
  configFile?: string;
  /** How the config file is named in messages. */
  configLabel: string;
  /** Extra rules files (absolute): never scanned either. */
  rulesFiles?: string[];
}

/** Everything of a scan but the root (a git snapshot for baselines), the rules, the changed files and the signal. */
export type ScanSettings = Omit<RunScanOptions, "root" | "rules" | "only" | "signal" | "readFile">;

function resolveInside(root: string, field: string, value: string, base: string): string {
  const absolute = path.resolve(base, value);
  if (!isInside(root, absolute)) {
    throw new CliError("PATH_OUTSIDE_PROJECT", `${field}: outside the project root: ${value}`, {
      hint: `the project root is ${root}; scan paths inside it (or run from another project)`,
    });
  }
  return absolute;
}

/**
 * Input > config file > default, for every command that scans (`scan`, `scan-and-fix`), so they scan
 * the same files the same way for the same config.
 */
export function resolveScanOptions(input: ScanSettingsInput, config: ScanConfig, place: ScanPlace): ScanSettings {
  const root = place.projectRoot;
  const absolute = input.paths
    ? input.paths.map((value, i) => resolveInside(root, `paths[${i}]`, value, place.cwd))
    : config.paths
      ? config.paths.map((value, i) => resolveInside(root, `${place.configLabel}: scan.paths[${i}]`, value, root))
      : [isInside(root, place.cwd) ? place.cwd : root];
  const tmpRel = toPosix(path.relative(root, place.tmpDir));
  const useDefaults = input.default_excludes ?? config.default_excludes ?? true;
  const ruleSources = [place.configFile, ...(place.rulesFiles ?? [])].filter(
    (file): file is string => Boolean(file) && isInside(root, file!),
  );
  return {
    paths: absolute.map((file) => toPosix(path.relative(root, file)) || "."),
    skipFiles: ruleSources.map((file) => toPosix(path.relative(root, file))),
    gitignore: input.gitignore ?? config.gitignore ?? true,
    hidden: input.hidden ?? config.hidden,
    include: input.include ?? config.include,
    exclude: [
      ...(config.exclude ?? []),
      ...(input.exclude ?? []),
      // gembatch's own tmp dir holds copies of the project's files (backups, requests, extracted fixes): scanning
      // them reports each finding again and would have scan-and-fix edit a backup, so no setting lets it in.
      ...(isInside(root, place.tmpDir) && tmpRel ? [`${tmpRel}/**`] : []),
    ],
    defaultExcludes: useDefaults,
    maxFileBytes: input.max_file_bytes ?? config.max_file_bytes,
    contextLines: input.context_lines ?? config.context_lines,
    minSeverity: input.min_severity ?? config.min_severity,
    workers: input.workers ?? config.workers,
  };
}

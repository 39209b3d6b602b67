import path from "node:path";
import { CliError } from "@gembatch/core";
import { loadRules, parseScanConfig, runScan, type CompiledRule, type Finding } from "@gembatch/scan";
import { isInside, toPosix } from "../paths.js";
import { isAutoFixable } from "./fixable.js";
import { inShard } from "./shard.js";
import type { ScanAndFixOptions } from "./types.js";

export interface Plan {
  rules: CompiledRule[];
  findings: Finding[];
  filesFound: string[];
  /** This shard's files, capped by max_files. */
  files: string[];
  byRule: Array<{ rule: CompiledRule; files: string[]; findings: Finding[] }>;
  /** Rules the default run leaves to people (no --rules, no --all-rules). */
  rulesLeftOut: string[];
}

function scanPaths(options: ScanAndFixOptions, configPaths: string[] | undefined): string[] {
  const root = options.projectRoot;
  const given = options.paths?.map((value, i) => ({
    value,
    field: `paths[${i}]`,
    absolute: path.resolve(options.cwd, value),
  }));
  const fromConfig = configPaths?.map((value, i) => ({
    value,
    field: `scan.paths[${i}]`,
    absolute: path.resolve(root, value),
  }));
  const entries = given ??
    fromConfig ?? [{ value: ".", field: "paths", absolute: isInside(root, options.cwd) ? options.cwd : root }];
  return entries.map(({ value, field, absolute }) => {
    if (!isInside(root, absolute))
      throw new CliError("PATH_OUTSIDE_PROJECT", `${field}: outside the project root: ${value}`, {
        hint: `the project root is ${root}`,
      });
    return toPosix(path.relative(root, absolute)) || ".";
  });
}

/** Scan (the tmp dir never included: backups and extracted files live there), shard, cap, group by rule. */
export async function makePlan(options: ScanAndFixOptions, signal?: AbortSignal): Promise<Plan> {
  const root = options.projectRoot;
  const config = parseScanConfig(options.scanConfig, options.configLabel);
  const loaded = loadRules({ root, config, ...(options.rules ? { only: options.rules } : {}) }).map(
    (entry) => entry.rule,
  );
  // With no rules named, a run sends only what a model can fix, at severity warning or above.
  const defaults = options.rules === undefined && !options.allRules;
  const rules = defaults ? loaded.filter(isAutoFixable) : loaded;
  const minSeverity = options.minSeverity ?? config.min_severity ?? (defaults ? "warning" : undefined);
  const tmpRel = toPosix(path.relative(root, options.tmpDir));
  const run = await runScan({
    root,
    rules,
    paths: scanPaths(options, config.paths),
    gitignore: config.gitignore ?? true,
    ...(config.hidden === undefined ? {} : { hidden: config.hidden }),
    ...(config.include ? { include: config.include } : {}),
    exclude: [
      ...(config.exclude ?? []),
      ...(options.exclude ?? []),
      ...(isInside(root, options.tmpDir) && tmpRel ? [`${tmpRel}/**`] : []),
    ],
    defaultExcludes: config.default_excludes ?? true,
    ...(config.max_file_bytes ? { maxFileBytes: config.max_file_bytes } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    ...(signal ? { signal } : {}),
  });
  const filesFound = [...new Set(run.findings.map((f) => f.file))].sort();
  let files = filesFound.filter((file) => inShard(file, options.shard));
  if (options.maxFiles !== undefined) files = files.slice(0, options.maxFiles);
  const chosen = new Set(files);
  const byRule = run.rules
    .map((rule) => {
      const findings = run.findings.filter((f) => f.rule === rule.id && chosen.has(f.file));
      return { rule, findings, files: [...new Set(findings.map((f) => f.file))] };
    })
    .filter((entry) => entry.files.length > 0);
  return {
    rules: run.rules,
    findings: run.findings,
    filesFound,
    files,
    byRule,
    rulesLeftOut: loaded.filter((rule) => !rules.includes(rule)).map((rule) => rule.id),
  };
}

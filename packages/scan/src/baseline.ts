import { execFile } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CliError } from "@gembatch/core";
import { FINGERPRINT_KEY } from "./sarif.js";
import { fingerprintOf, type Finding } from "./scan-file.js";

const run = promisify(execFile);

export interface BaselineEntry {
  rule: string;
  file: string;
  fingerprint: string;
}

function fromFinding(value: unknown): BaselineEntry | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const f = value as Partial<Finding> & { context?: { line?: string } };
  if (typeof f.rule !== "string" || typeof f.file !== "string") return undefined;
  if (typeof f.fingerprint === "string") return { rule: f.rule, file: f.file, fingerprint: f.fingerprint };
  if (typeof f.context?.line === "string")
    return { rule: f.rule, file: f.file, fingerprint: fingerprintOf(f.rule, f.file, f.context.line) };
  return undefined;
}

/** The parts of a SARIF result a baseline reads; each is checked before use. */
interface SarifResult {
  ruleId?: unknown;
  locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: unknown } } }>;
  partialFingerprints?: Record<string, unknown>;
}

function fromSarif(log: { runs?: unknown }): BaselineEntry[] {
  const entries: BaselineEntry[] = [];
  for (const sarifRun of (Array.isArray(log.runs) ? log.runs : []) as Array<{ results?: unknown[] }>) {
    for (const result of (sarifRun.results ?? []) as SarifResult[]) {
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
      const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
      if (typeof result.ruleId === "string" && typeof uri === "string" && typeof fingerprint === "string") {
        entries.push({ rule: result.ruleId, file: decodeURIComponent(uri), fingerprint });
      }
    }
  }
  return entries;
}

/** A saved scan result (`{"findings": [...]}`), a bare findings array, or a SARIF log written by gembatch. */
export function readBaselineFile(file: string, label = file): BaselineEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError("BAD_INPUT", `baseline: ${label} is not a readable JSON file (${(error as Error).message})`, {
      hint: "pass the JSON written by `gembatch scan --json`, a SARIF file from --sarif, or a git ref",
    });
  }
  if (typeof raw === "object" && raw !== null && "runs" in raw) return fromSarif(raw);
  const list = Array.isArray(raw) ? raw : (raw as { findings?: unknown })?.findings;
  if (!Array.isArray(list)) {
    throw new CliError("BAD_INPUT", `baseline: ${label} has no "findings" array`, {
      hint: "save a baseline with: gembatch scan --json > baseline.json",
    });
  }
  return list.map(fromFinding).filter((entry): entry is BaselineEntry => entry !== undefined);
}

export function looksLikeFile(value: string, cwd: string): boolean {
  const absolute = path.resolve(cwd, value);
  return existsSync(absolute) && statSync(absolute).isFile();
}

async function git(cwd: string, args: string[], options: { literal?: boolean } = {}): Promise<string> {
  const env = options.literal ? { ...process.env, GIT_LITERAL_PATHSPECS: "1" } : process.env;
  const { stdout } = await run("git", args, { cwd, env, maxBuffer: 256 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Check out the project's tree at a git ref into a temporary directory (tracked files only,
 * `git archive`), hand it to `scan`, and clean up. The project root may be a subdirectory of the
 * repository; the snapshot holds the same subdirectory, so finding paths line up.
 */
export async function withGitSnapshot<T>(
  options: { root: string; ref: string; paths?: string[] },
  scan: (snapshotRoot: string) => Promise<T>,
): Promise<T> {
  let top: string;
  let commit: string;
  try {
    top = await git(options.root, ["rev-parse", "--show-toplevel"]);
    commit = await git(options.root, ["rev-parse", "--verify", "--quiet", `${options.ref}^{commit}`]);
  } catch {
    throw new CliError(
      "BAD_INPUT",
      `baseline: "${options.ref}" is neither a findings file nor a git ref of this repository`,
      {
        hint: "pass a file written by `gembatch scan --json`, or a ref such as HEAD~1, main or a commit hash",
      },
    );
  }
  const prefix = path.relative(top, options.root).split(path.sep).join("/");
  const dir = await mkdtemp(path.join(tmpdir(), "gembatch-baseline-"));
  try {
    const archive = path.join(dir, "snapshot.tar");
    const tree = path.join(dir, "tree");
    const treeish = `${commit}:${prefix}`;
    // With --changed-since only the changed files matter; of those, the ones that existed at the ref.
    const paths =
      options.paths &&
      (await git(top, ["ls-tree", "-r", "-z", "--name-only", treeish, "--", ...options.paths], { literal: true }))
        .split("\0")
        .filter(Boolean);
    await mkdir(tree);
    if (!paths || paths.length > 0) {
      await run("git", ["archive", "--format=tar", "-o", archive, treeish, "--", ...(paths ?? [])], {
        cwd: top,
        env: { ...process.env, GIT_LITERAL_PATHSPECS: "1" },
      });
      await run("tar", ["-xf", archive, "-C", tree]);
    }
    return await scan(tree);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Findings not in the baseline: matched by fingerprint as a multiset, so line moves keep a finding known. */
export function applyBaseline(findings: Finding[], baseline: BaselineEntry[]): { fresh: Finding[]; known: number } {
  const remaining = new Map<string, number>();
  for (const entry of baseline) remaining.set(entry.fingerprint, (remaining.get(entry.fingerprint) ?? 0) + 1);
  const fresh: Finding[] = [];
  let known = 0;
  for (const finding of findings) {
    const left = remaining.get(finding.fingerprint) ?? 0;
    if (left > 0) {
      remaining.set(finding.fingerprint, left - 1);
      known++;
    } else fresh.push(finding);
  }
  return { fresh, known };
}

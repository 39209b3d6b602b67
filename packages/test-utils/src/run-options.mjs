// Plain JavaScript so that bench/ (run by node against the built packages, which cannot load .ts) and the
// tests build their apply and scan-and-fix options from the same defaults; types in run-options.d.mts.
import path from "node:path";

/** What every apply and scan-and-fix run in the tests and benches starts from, in project `root`. */
export function runDefaults(root) {
  return {
    cwd: root,
    projectRoot: root,
    tmpDir: path.join(root, "tmp"),
    verifyTimeoutMs: 60_000,
    maxAttempts: 2,
    resume: false,
    escalate: false,
    commit: false,
    allowDirty: false,
  };
}

/** runDefaults plus scan-and-fix's own: the logger-bind rule, the whole tree, a real run. */
export function scanAndFixDefaults(root) {
  return { ...runDefaults(root), rules: ["logger-bind"], shard: null, dryRun: false };
}

export interface RunDefaults {
  cwd: string;
  projectRoot: string;
  tmpDir: string;
  verifyTimeoutMs: number;
  maxAttempts: number;
  resume: boolean;
  escalate: boolean;
  commit: boolean;
  allowDirty: boolean;
}

export interface ScanAndFixDefaults extends RunDefaults {
  rules: string[];
  shard: null;
  dryRun: boolean;
}

export function runDefaults(root: string): RunDefaults;
export function scanAndFixDefaults(root: string): ScanAndFixDefaults;

import { writeFileSync } from "node:fs";
import path from "node:path";
import { read, replyWith } from "@gembatch/test-utils";

// The example project's helpers are shared by every package's tests; apply's tests take them from here too.
export { EXAMPLE_DIR, exampleProject, read, replyWith } from "@gembatch/test-utils";

/** A current model with no announced shutdown, so runs on the real clock neither warn nor stop. */
export const MODEL = "gemini-2.5-flash-lite";
export const ESCALATION_MODEL = "gemini-3.1-pro-preview";
export const API_KEY = "apply-test-key";

export function write(root: string, file: string, text: string): void {
  writeFileSync(path.join(root, file), text);
}

/**
 * A verify command for Ctrl-C during verify: while the file SLOW exists and the file is fixed, it writes its
 * pid to VERIFY_STARTED and hangs; without SLOW it passes. `slowVerify` writes the script and SLOW.
 */
export const SLOW_VERIFY = "python3 slow_verify.py {file}";

export function slowVerify(root: string): void {
  write(
    root,
    "slow_verify.py",
    'import os, pathlib, sys, time\nif pathlib.Path("SLOW").exists() and "logger.bind" not in pathlib.Path(sys.argv[1]).read_text():\n    pathlib.Path("VERIFY_STARTED").write_text(str(os.getpid()))\n    time.sleep(60)\n',
  );
  write(root, "SLOW", "");
}

/** Adds a pattern rule to the project's gembatch.config.json (the example's config has a scan section). */
export function addScanRule(root: string, rule: Record<string, unknown>): void {
  const config = JSON.parse(read(root, "gembatch.config.json")) as { scan: { rules: unknown[] } };
  config.scan.rules.push(rule);
  write(root, "gembatch.config.json", JSON.stringify(config));
}

function replaceExactly(text: string, from: string, to: string, file: string): string {
  if (!text.includes(from))
    throw new Error(
      `${file} no longer contains ${JSON.stringify(from)}: update the fixtures in packages/apply/test/helpers/example.ts`,
    );
  return text.split(from).join(to);
}

type Edit = [from: string, to: string];

/** The intended logger.bind fixes: context passed as keyword arguments. */
const GOOD: Record<string, Edit[]> = {
  "orders/service.py": [
    ["        log = logger.bind(order_id=order.id)\n", ""],
    [
      'log.info("placing order for {} item(s), total {:.2f}", len(items), order.total)',
      'logger.info("placing order for {} item(s), total {:.2f}", len(items), order.total, order_id=order.id)',
    ],
    ['log.error("payment failed")', 'logger.error("payment failed", order_id=order.id)'],
  ],
  "orders/payments.py": [
    [
      'logger.bind(token=token[-4:]).warning("charge declined: {}", response.get("error", "unknown"))',
      'logger.warning("charge declined: {}", response.get("error", "unknown"), token=token[-4:])',
    ],
  ],
  "orders/notifications.py": [
    ['logger.bind(order_id=order.id).info("receipt sent")', 'logger.info("receipt sent", order_id=order.id)'],
  ],
};

/** Fixes that remove logger.bind but lose the context the tests check (a plausible model mistake). */
const LOSES_CONTEXT: Record<string, Edit[]> = {
  "orders/service.py": [
    ["        log = logger.bind(order_id=order.id)\n", ""],
    [
      'log.info("placing order for {} item(s), total {:.2f}", len(items), order.total)',
      'logger.info("placing order for {} item(s), total {:.2f}", len(items), order.total)',
    ],
    ['log.error("payment failed")', 'logger.error("payment failed")'],
  ],
  "orders/payments.py": [
    [
      'logger.bind(token=token[-4:]).warning("charge declined: {}", response.get("error", "unknown"))',
      'logger.warning("charge declined: {}", response.get("error", "unknown"))',
    ],
  ],
};

/** A second, different mistake: the error path breaks at runtime. */
const BREAKS_ERROR_PATH: Record<string, Edit[]> = {
  "orders/service.py": [
    ["        log = logger.bind(order_id=order.id)\n", ""],
    [
      'log.info("placing order for {} item(s), total {:.2f}", len(items), order.total)',
      'logger.info("placing order for {} item(s), total {:.2f}", len(items), order.total, order_id=order.id)',
    ],
    ['log.error("payment failed")', 'logger.error("payment failed", order_id=order.ident)'],
  ],
};

function edited(root: string, file: string, edits: Record<string, Edit[]>): string {
  const list = edits[file];
  if (!list) throw new Error(`no fixture edit for ${file}`);
  return list.reduce((text, [from, to]) => replaceExactly(text, from, to, file), read(root, file));
}

export const goodFix = (root: string, file: string) => edited(root, file, GOOD);
export const contextLosingFix = (root: string, file: string) => edited(root, file, LOSES_CONTEXT);
export const errorPathFix = (root: string, file: string) => edited(root, file, BREAKS_ERROR_PATH);

export const LOGGER_BIND_FILES = ["orders/notifications.py", "orders/payments.py", "orders/service.py"];

/** A scan-and-fix result in which every logger.bind finding of the example was fixed on the first run. */
export const ALL_FIXED = {
  success: true,
  findings: 3,
  files_found: 3,
  files_attempted: 3,
  files_fixed: 3,
  files_failed: 0,
} as const;

/** The emulator script entry that answers one file's first request (`reply` adds to the reply, e.g. a delay). */
export function answer(file: string, content: string, reply: Record<string, unknown> = {}) {
  return { match: { text: `FILE TO FIX: ${file}` }, reply: { text: replyWith(file, content), ...reply } };
}

/** Answers only a retry request (its report says the previous attempt failed). */
export function answerRetry(file: string, content: string) {
  return {
    match: { regex: `Previous attempt failed[\\s\\S]*FILE TO FIX: ${file.replace(/[.]/g, "\\.")}` },
    reply: { text: replyWith(file, content) },
  };
}

/** A reply cut off by the output limit: half the file, no END marker. */
export function truncatedAnswer(file: string, content: string) {
  const half = content.slice(0, Math.floor(content.length / 2));
  return {
    match: { text: `FILE TO FIX: ${file}` },
    reply: { text: `<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\n${half}`, finishReason: "MAX_TOKENS" as const },
  };
}

import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { commitAll, gitInit, tempTree } from "./fixture.js";

/** The example project; tests copy it, never change it in place. */
export const EXAMPLE_DIR = fileURLToPath(new URL("../../../examples/python-service", import.meta.url));

/** Copies examples/python-service to `dest`, without its tmp/ and caches. */
export function copyExample(dest: string): void {
  cpSync(EXAMPLE_DIR, dest, {
    recursive: true,
    filter: (source) => !/[\\/](tmp|__pycache__)([\\/]|$)/.test(path.relative(EXAMPLE_DIR, source)),
  });
}

/** A fresh copy of examples/python-service (without tmp/ and caches), optionally a git repository. */
export function exampleProject(options: { git?: boolean } = {}): string {
  const root = tempTree();
  copyExample(root);
  if (options.git) {
    gitInit(root);
    commitAll(root, "the example");
  }
  return root;
}

export function read(root: string, file: string): string {
  return readFileSync(path.join(root, file), "utf8");
}

/** A model reply holding one fixed file, in the shape send asks for. */
export function replyWith(file: string, content: string): string {
  return `Here is the fixed file.\n\n<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\n${content}\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`;
}

/** The example's own unit tests, with deprecation warnings as errors (a leftover logger.bind fails them). */
export function runExampleTests(root: string) {
  const options = { cwd: root, reject: false as const };
  return execa<{ reject: false }>("python3", ["-W", "error::DeprecationWarning", "-m", "unittest", "-q"], options);
}

import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { startEmulator, type Emulator, type EmulatorOptions } from "@gembatch/emulator";
import { tempTree } from "@gembatch/test-utils";
import { execa } from "execa";
import { onTestFinished } from "vitest";

/** The built umbrella bin, started as an MCP client starts it. */
export const BIN = fileURLToPath(new URL("../../cli/bin/gembatch.js", import.meta.url));
export const KEY = "mcp-e2e-key";
export const MODEL = "gemini-2.5-flash";
const EXAMPLE = fileURLToPath(new URL("../../../examples/python-service", import.meta.url));

const help = existsSync(BIN) ? await execa(process.execPath, [BIN, "--help"], { reject: false }) : null;
if (!help || !/^\s+mcp\b/m.test(help.stdout))
  throw new Error("the built gembatch bin does not list mcp: run the build (pnpm build) first");

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ apiKey: KEY, ...options });
  onTestFinished(() => emu.close());
  return emu;
}

export interface Session {
  client: Client;
  transport: StdioClientTransport;
  /** What the server wrote on stderr so far (its log). */
  stderr: () => string;
  /** Errors the client met reading the server's stdout (anything not a protocol message). */
  transportErrors: Error[];
}

/** `gembatch mcp` as a subprocess in `cwd`, driven by the SDK's own client over stdio. */
export async function connect(
  cwd: string,
  emu: Emulator | null,
  env: Record<string, string> = {},
  flags: string[] = [],
): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...flags],
    cwd,
    stderr: "pipe",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GEMINI_API_KEY: KEY,
      GEMBATCH_BASE_URL: emu?.url ?? "http://127.0.0.1:9",
      GEMBATCH_MODEL: MODEL,
      CI: "1",
      ...env,
    },
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const transportErrors: Error[] = [];
  const client = new Client({ name: "gembatch-e2e", version: "0.0.0" });
  await client.connect(transport);
  // The client's own onerror is set by connect; wrap it to keep what it saw.
  const onerror = transport.onerror;
  transport.onerror = (error) => {
    transportErrors.push(error);
    onerror?.(error);
  };
  onTestFinished(() => client.close());
  return { client, transport, stderr: () => stderr, transportErrors };
}

/** A fresh copy of examples/python-service. */
export function exampleProject(): string {
  const root = tempTree();
  cpSync(EXAMPLE, root, {
    recursive: true,
    filter: (source) => !/[\\/](tmp|__pycache__)([\\/]|$)/.test(path.relative(EXAMPLE, source)),
  });
  return root;
}

export const read = (root: string, file: string) => readFileSync(path.join(root, file), "utf8");

export function replyWith(file: string, content: string): string {
  return `Here is the fixed file.\n\n<!-- CODE_FILE_START: ${file} -->\n\`\`\`python\n${content}\`\`\`\n<!-- CODE_FILE_END: ${file} -->\n`;
}

/** Wait for something another process does (bounded; no fixed sleeps). */
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Emulator, EmulatorOptions } from "@gembatch/emulator";
import { BIN, requireBuiltBin, useEmulator } from "@gembatch/test-utils";
import { onTestFinished } from "vitest";

export const KEY = "mcp-e2e-key";
export const MODEL = "gemini-2.5-flash";

await requireBuiltBin(["mcp"]);

export const emulator = (options: EmulatorOptions = {}): Promise<Emulator> => useEmulator({ apiKey: KEY, ...options });

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

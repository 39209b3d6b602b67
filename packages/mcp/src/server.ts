import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { LazyCommand } from "@gembatch/core";
import { z } from "zod";
import { risingProgress } from "./progress.js";
import { TOOLS } from "./tools.js";
import type { callTool, errorResult } from "./call-tool.js";
import type { Catalog } from "./catalog.js";

interface McpServerOptions {
  version: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  commands: readonly LazyCommand[];
  stdin: NodeJS.ReadableStream;
  /** Carries protocol messages only. */
  stdout: NodeJS.WritableStream;
  log: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
  /** The most one call that spends money may spend (USD); see cost-cap.ts. */
  maxCost?: number;
}

const INSTRUCTIONS =
  "gembatch hands code work to Google Gemini in bulk. Local and free: scan, report, extract, costs, submit-collect. " +
  "SPEND MONEY: send, scan-and-fix, submit, and apply when a fix fails verification (it retries with Gemini); " +
  "give dry_run: true to see the requests and an estimate first, and max_cost (USD) to cap a call. " +
  "CHANGE SOURCE FILES: apply and scan-and-fix (backed up; restored when a fix fails). " +
  "Paths are relative to the directory the server was started in and must stay inside the project root. " +
  "A cancelled call saves its state: call again with resume: true (and the same output_dir) to continue.";

/**
 * Serve every command as an MCP tool over stdio until the client goes away or the process is told to
 * stop. Stopping cancels the calls in flight the way Ctrl-C does (each saves its state), waits for
 * them, and only then closes.
 */
export async function serveMcp(options: McpServerOptions): Promise<void> {
  // A server parses a handful of messages per call: compiling zod's fast path for each message schema
  // costs more at start-up than it saves.
  z.config({ jitless: true });
  // Loaded on the first tools/list or tools/call, so `initialize` is answered before any of it.
  let loading: Promise<Runtime> | undefined;
  const runtime = () => (loading ??= loadRuntime(options));
  const shutdown = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  const server = new Server(
    { name: "gembatch", version: options.version },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );

  // Every request in hand is answered before the server closes, even when the client has stopped writing.
  const track = async <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    try {
      return await work;
    } finally {
      inflight.delete(work);
    }
  };

  server.setRequestHandler(ListToolsRequestSchema, () =>
    track(runtime().then(async ({ catalog }) => ({ tools: await catalog.list() }))),
  );
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const spec = TOOLS.find((tool) => tool.name === request.params.name);
    if (!spec)
      throw new McpError(ErrorCode.InvalidParams, `unknown tool: ${request.params.name} (tools/list names them)`);
    const token = extra._meta?.progressToken;
    const onProgress =
      token === undefined
        ? undefined
        : risingProgress(
            (notice) =>
              void extra
                .sendNotification({ method: "notifications/progress", params: { progressToken: token, ...notice } })
                .catch(() => {}),
          );
    return track(
      (async () => {
        const { root, catalog, callTool, errorResult } = await runtime();
        try {
          const definition = await catalog.definition(spec);
          return await callTool(spec, definition, request.params.arguments ?? {}, {
            cwd: options.cwd,
            root,
            env: options.env,
            signal: AbortSignal.any([extra.signal, shutdown.signal]),
            log: options.log,
            ...(options.maxCost === undefined ? {} : { maxCost: options.maxCost }),
            ...(onProgress ? { onProgress } : {}),
          });
        } catch (error) {
          return errorResult(error);
        }
      })(),
    );
  });
  server.onerror = (error) => options.log(`gembatch mcp: ${error.message}\n`);

  const transport = new StdioServerTransport(options.stdin as never, options.stdout as never);
  const clientGone = new Promise<void>((resolve) => {
    options.stdin.once("end", resolve);
    options.stdin.once("close", resolve);
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  options.log(
    `gembatch mcp: serving ${TOOLS.length} tools in ${options.cwd}${options.maxCost === undefined ? "" : `, at most $${options.maxCost} a call`}\n`,
  );
  await Promise.race([options.stopped, clientGone]);
  shutdown.abort(new DOMException("the MCP server is stopping", "AbortError"));
  await Promise.allSettled([...inflight]);
  // Let the interrupted calls' responses reach the client before the transport closes.
  await new Promise((resolve) => setImmediate(resolve));
  await server.close();
}

interface Runtime {
  root: string;
  catalog: Catalog;
  callTool: typeof callTool;
  errorResult: typeof errorResult;
}

async function loadRuntime(options: McpServerOptions): Promise<Runtime> {
  const [{ findProjectRoot }, { createCatalog }, { callTool, errorResult }] = await Promise.all([
    import("@gembatch/core"),
    import("./catalog.js"),
    import("./call-tool.js"),
  ]);
  return { root: findProjectRoot(options.cwd).root, catalog: createCatalog(options.commands), callTool, errorResult };
}

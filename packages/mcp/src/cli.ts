import type { Command } from "commander";
import type { LazyCommand, NativeCommandIo } from "@gembatch/core/entry";

const EXAMPLES = `
Examples:
  $ gembatch mcp
  $ gembatch mcp --max-cost 0.50
  $ claude mcp add --scope project gembatch -- npx --no-install gembatch mcp
  $ gemini mcp add gembatch node_modules/.bin/gembatch mcp

The server works on the project it is started in. --max-cost caps every call that spends money (a call
naming no max_cost gets the cap). The last two lines add the server to Claude Code and to gemini-cli.

Tools: scan, report, send, extract, apply, scan-and-fix, submit, submit-status, submit-download,
submit-collect, submit-cancel, costs, doctor. Each takes the command's JSON argument and returns its
JSON result. stdout carries protocol messages only; logs go to stderr. See docs/mcp.md.
`;

export interface McpCommandOptions {
  version: string;
  /** The umbrella program's commands; each is loaded when a client first needs it. */
  commands(): readonly LazyCommand[];
}

/** `gembatch mcp`: the MCP server over stdio, for Claude Code, gemini-cli and other agents. */
export function configureMcpCommand(command: Command, io: NativeCommandIo, options: McpCommandOptions): Command {
  return command
    .description("Serve every command as an MCP tool over stdio (for Claude Code, gemini-cli and other agents)")
    .option(
      "--max-cost <usd>",
      "the most one call to send, apply or scan-and-fix may spend; a call asking for more is refused",
    )
    .addHelpText("after", EXAMPLES)
    .action(async (opts: { maxCost?: string }) => {
      const maxCost = opts.maxCost === undefined ? undefined : Number(opts.maxCost);
      if (maxCost !== undefined && (opts.maxCost!.trim() === "" || !Number.isFinite(maxCost) || maxCost < 0)) {
        io.stderr(`gembatch mcp: error: --max-cost: not a non-negative number: ${opts.maxCost}\n`);
        io.setExitCode(2);
        return;
      }
      const [{ serveMcp }, { claimStdout }] = await Promise.all([import("./server.js"), import("./stdout.js")]);
      await serveMcp({
        version: options.version,
        cwd: process.cwd(),
        env: process.env,
        commands: options.commands(),
        stdin: process.stdin,
        stdout: claimStdout(),
        log: (text) => io.stderr(text),
        stopped: io.waitForStop(),
        ...(maxCost === undefined ? {} : { maxCost }),
      });
      io.setExitCode(0);
    });
}

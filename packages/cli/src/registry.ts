import { readFileSync } from "node:fs";
import type { LazyCommand } from "@gembatch/core/entry";

/** Every subcommand, loaded only when it runs so `gembatch --help` stays fast. */
export const commands: LazyCommand[] = [
  {
    name: "scan",
    summary: "Find code to hand to Gemini (regex rules; JSON, table, SARIF; --report writes issue reports)",
    load: async () => (await import("@gembatch/report/cli")).scanCommand,
  },
  {
    name: "report",
    summary: "Write an issue report with the files to fix and all their context",
    load: async () => (await import("@gembatch/report/cli")).reportCommand,
  },
  {
    name: "send",
    summary: "Send each file to fix to Gemini on its own request with the whole issue report",
    load: async () => (await import("@gembatch/send/cli")).sendCommand,
  },
  {
    name: "extract",
    summary: "Pull the complete fixed files out of Gemini replies, refusing truncated or elided code",
    load: async () => (await import("@gembatch/extract/cli")).extractCommand,
  },
  {
    name: "apply",
    summary: "Diff, back up, apply atomically and verify extracted fixes; retry once with the error; failure report",
    load: async () => (await import("@gembatch/apply/cli")).applyCommand,
  },
  {
    name: "scan-and-fix",
    summary: "Scan → report → send → extract → apply/verify/retry → failure reports → JSON + markdown summary (CI)",
    load: async () => (await import("@gembatch/apply/cli")).scanAndFixCommand,
  },
  {
    name: "submit",
    summary: "Submit JSONL request files to the Batch API resumably; status, download, collect, cancel",
    load: async () => (await import("@gembatch/submit/cli")).submitCommand,
  },
  {
    name: "costs",
    summary: "Show what Gemini calls cost, by day, model and command",
    load: async () => (await import("./commands/costs.js")).costsCommand,
  },
  {
    name: "emulator",
    summary: "Run a local Gemini API server (tests, benches, offline demos); prints its URL",
    configure: async (command, io) =>
      void (await import("@gembatch/emulator/cli")).configureEmulatorCommand(command, io),
  },
  {
    name: "doctor",
    summary: "Check Node, config, API key, base URL, a one-token call, and prices",
    load: async () => (await import("./commands/doctor.js")).doctorCommand,
  },
  {
    name: "mcp",
    summary: "Serve every command as an MCP tool over stdio (Claude Code, gemini-cli, other agents)",
    configure: async (command, io) => {
      const { configureMcpCommand } = await import("@gembatch/mcp/cli");
      configureMcpCommand(command, io, { version: umbrellaVersion(), commands: () => commands });
    },
  },
];

function umbrellaVersion(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

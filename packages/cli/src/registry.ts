import type { LazyCommand } from "@gembatch/core/entry";

/** Every subcommand, loaded only when it runs so `gembatch --help` stays fast. */
export const commands: LazyCommand[] = [
  { name: "costs", summary: "Show what Gemini calls cost, by day, model and command", load: async () => (await import("./commands/costs.js")).costsCommand },
  { name: "doctor", summary: "Check Node, config, API key, base URL, a one-token call, and prices", load: async () => (await import("./commands/doctor.js")).doctorCommand },
];

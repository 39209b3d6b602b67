import { Command, CommanderError } from "commander";

import { configureEmulatorCommand } from "./cli.js";

const program = configureEmulatorCommand(new Command("gembatch-emulator")).exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has already printed its message; usage errors exit 2, --help and --version 0.
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else throw error;
}

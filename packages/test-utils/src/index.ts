export * from "./bin.js";
export * from "./emulator.js";
export * from "./example.js";
export * from "./fixture.js";
export * from "./io.js";
export * from "./processes.js";
export * from "./run-command.js";
export * from "./run-options.mjs";

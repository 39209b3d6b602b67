export { BIN, binEnv, requireBuiltBin, gembatch, servedUrl } from "./bin.js";
export { useEmulator, useEmulatorClient } from "./emulator.js";
export { EXAMPLE_DIR, copyExample, exampleProject, read, replyWith, runExampleTests } from "./example.js";
export { tempDir, tempTree, writeTree, git, gitInit, commitAll, projectDir, type Tree } from "./fixture.js";
export { captureIo } from "./io.js";
export { alive, waitFor } from "./processes.js";
export { runCommand, invoke, type CommandRun, type ErrorDoc } from "./run-command.js";
export { runDefaults, scanAndFixDefaults } from "./run-options.mjs";

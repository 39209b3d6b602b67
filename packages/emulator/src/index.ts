export { startEmulator, type Emulator } from "./server.js";
export type { EmulatorOptions } from "./config.js";
export { createManualClock } from "./clock.js";

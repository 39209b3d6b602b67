export * from "./fixture.js";
export * from "./processes.js";

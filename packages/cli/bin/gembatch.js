#!/usr/bin/env node
import module from "node:module";

// The compile cache makes repeated start-ups cheaper where the running Node has it.
module.enableCompileCache?.();
await import("../dist/main.js");

#!/usr/bin/env node
// The emulator ships inside the CLI's bundle (`gembatch emulator`); its own bin runs tsc's output.
await import("../dist/main.js");

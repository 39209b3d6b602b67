#!/usr/bin/env node
import { existsSync } from "node:fs";

// The bundle (built by the set-up) starts faster; dist is the plain tsc output it is made from.
const bundled = new URL("../bundle/main.js", import.meta.url);
await import(existsSync(bundled) ? bundled.href : "../dist/main.js");

#!/usr/bin/env node
import { existsSync, readFileSync, statSync } from "node:fs";

// The bundle starts faster than dist, the tsc output it is made from, but it may run only while it is
// newer than every dist file it was built from (`bundle/built-from.json`, written by the build): after a
// `tsc -b` alone it is stale, and dist runs. The packed tarball ships the bundle without dist.
const bundle = new URL("../bundle/main.js", import.meta.url);
const dist = new URL("../dist/main.js", import.meta.url);

function bundleIsCurrent() {
  if (!existsSync(dist)) return true;
  try {
    const built = statSync(bundle).mtimeMs;
    const sources = JSON.parse(readFileSync(new URL("built-from.json", bundle), "utf8"));
    return sources.every((file) => statSync(new URL(file, bundle)).mtimeMs <= built);
  } catch {
    // No bundle, no list, or a file it was built from is gone: the bundle cannot be trusted.
    return false;
  }
}

await import(bundleIsCurrent() ? bundle.href : dist.href);

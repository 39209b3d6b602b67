import path from "node:path";
import { readFileSync, symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectImports, localImports } from "./imports.js";
import { tempTree } from "@gembatch/test-utils";

describe("local imports", () => {
  it("resolves Python absolute, relative, multi-line and submodule imports", () => {
    const root = tempTree({
      "app/__init__.py": "",
      "app/service.py": [
        "import os, json",
        "import app.models as models",
        "from app import storage",
        "from .payments import (",
        "    PaymentError,",
        "    PaymentGateway as Gateway,",
        ")",
        "from . import logger",
        "from ..outside import nothing",
        "from app.util.text import slug  # comment",
        "import requests",
      ].join("\n"),
      "app/models.py": "",
      "app/storage.py": "",
      "app/payments.py": "",
      "app/logger.py": "",
      "app/util/__init__.py": "",
      "app/util/text.py": "",
      "src/lib/__init__.py": "",
      "src/lib/core.py": "",
      "scripts/run.py": "from lib import core\nimport helper\n",
      "scripts/helper.py": "",
    });
    const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join("/"));
    const service = path.join(root, "app/service.py");
    expect(rel(localImports({ root, file: service, content: readFileSync(service, "utf8") }))).toEqual([
      "app/__init__.py",
      "app/logger.py",
      "app/models.py",
      "app/payments.py",
      "app/storage.py",
      "app/util/text.py",
    ]);
    const script = path.join(root, "scripts/run.py");
    expect(rel(localImports({ root, file: script, content: "from lib import core\nimport helper\n" }))).toEqual([
      "scripts/helper.py",
      "src/lib/__init__.py",
      "src/lib/core.py",
    ]);
  });

  it("resolves TS/JS relative imports: .js to .ts, extensionless, index files, require and dynamic import", () => {
    const root = tempTree({
      "src/main.ts": [
        'import { a } from "./a.js";',
        'import type { B } from "./types";',
        'export * from "./lib";',
        'import "./side-effect";',
        'const c = require("../config.cjs");',
        'const d = await import("./lazy.mjs");',
        'import { z } from "zod";',
      ].join("\n"),
      "src/a.ts": 'import { x } from "./deep.js";',
      "src/deep.ts": "",
      "src/types.d.ts": "",
      "src/lib/index.ts": "",
      "src/side-effect.js": "",
      "config.cjs": "",
      "src/lazy.mts": "",
    });
    const main = path.join(root, "src/main.ts");
    const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join("/"));
    expect(rel(collectImports({ root, files: [main], depth: 1 }))).toEqual([
      "config.cjs",
      "src/a.ts",
      "src/lazy.mts",
      "src/lib/index.ts",
      "src/side-effect.js",
      "src/types.d.ts",
    ]);
    expect(rel(collectImports({ root, files: [main], depth: 2 }))).toContain("src/deep.ts");
  });

  it("keeps links where a module would be, for the reader to refuse aloud, and never reads through them to follow their imports", () => {
    const outside = tempTree({ "evil.py": "from app import hidden\n" });
    const root = tempTree({
      "app/__init__.py": "",
      "app/main.py": "from app import link, gone, fine\n",
      "app/hidden.py": "",
      "app/real.py": "",
    });
    symlinkSync(path.join(outside, "evil.py"), path.join(root, "app/link.py"));
    symlinkSync(path.join(root, "app/nowhere.py"), path.join(root, "app/gone.py"));
    symlinkSync("real.py", path.join(root, "app/fine.py"));
    const rel = (files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join("/"));
    const found = rel(collectImports({ root, files: [path.join(root, "app/main.py")], depth: 3 }));
    expect(found).toEqual(["app/__init__.py", "app/fine.py", "app/gone.py", "app/link.py"]);
    expect(found).not.toContain("app/hidden.py");
  });
});

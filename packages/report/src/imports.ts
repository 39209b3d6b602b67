import { lstatSync, statSync } from "node:fs";
import path from "node:path";
import { readProjectFile } from "@gembatch/core";

const PY_FROM = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)/gm;
const PY_IMPORT = /^[ \t]*import[ \t]+([^\n#]+)/gm;
const JS_SPECIFIERS = [
  /\bimport\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"\n]+)['"]/g,
  /\bimport\s*['"]([^'"\n]+)['"]/g,
  /\bexport\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"\n]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];
const JS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".d.ts", ".json"];
const JS_SOURCE_FOR: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/**
 * A module file, or a symlink where one would be: a link is kept even when it is dangling or leads out
 * of the project, so the reader refuses it aloud instead of it vanishing from the report unnoticed.
 */
function isFile(absolute: string): boolean {
  const stat = lstatSync(absolute, { throwIfNoEntry: false });
  if (!stat) return false;
  if (!stat.isSymbolicLink()) return stat.isFile();
  const target = statSync(absolute, { throwIfNoEntry: false });
  return target === undefined || !target.isDirectory();
}

function pythonModule(base: string, dotted: string): string[] {
  const parts = dotted.split(".").filter(Boolean);
  const dir = path.join(base, ...parts);
  return [`${dir}.py`, path.join(dir, "__init__.py")].filter(isFile);
}

/**
 * Where absolute imports of a Python file can resolve: the root, `src/`, the file's own directory and its top package's
 * parent.
 */
function pythonRoots(root: string, absolute: string): string[] {
  let top = path.dirname(absolute);
  while (top.startsWith(root) && top !== root && isFile(path.join(top, "__init__.py"))) top = path.dirname(top);
  return [...new Set([root, path.join(root, "src"), path.dirname(absolute), top])];
}

function pythonImports(root: string, absolute: string, content: string): string[] {
  const found: string[] = [];
  const roots = pythonRoots(root, absolute);
  const names = (list: string) =>
    list
      .replace(/[()]/g, "")
      .split(",")
      .map((part) =>
        part
          .trim()
          .split(/\s+as\s+/)[0]!
          .trim(),
      )
      .filter((name) => /^\w+$/.test(name));
  for (const match of content.matchAll(PY_FROM)) {
    const module = match[1]!;
    const dots = /^\.*/.exec(module)![0].length;
    const bases = dots > 0 ? [path.resolve(path.dirname(absolute), ...Array<string>(dots - 1).fill(".."))] : roots;
    const rest = module.slice(dots);
    for (const base of bases) {
      found.push(...(rest ? pythonModule(base, rest) : []));
      for (const name of names(match[2]!)) found.push(...pythonModule(base, rest ? `${rest}.${name}` : name));
    }
  }
  for (const match of content.matchAll(PY_IMPORT)) {
    for (const name of match[1]!.split(",").map((part) =>
      part
        .trim()
        .split(/\s+as\s+/)[0]!
        .trim(),
    )) {
      if (!/^[\w.]+$/.test(name)) continue;
      for (const base of roots) found.push(...pythonModule(base, name));
    }
  }
  return found;
}

function resolveJs(fromDir: string, specifier: string): string[] {
  const target = path.resolve(fromDir, specifier);
  const ext = path.extname(target);
  const candidates = [target];
  for (const replacement of JS_SOURCE_FOR[ext] ?? []) candidates.push(target.slice(0, -ext.length) + replacement);
  for (const extension of JS_EXTENSIONS) candidates.push(target + extension, path.join(target, `index${extension}`));
  const hit = candidates.find(isFile);
  return hit ? [hit] : [];
}

function jsImports(absolute: string, content: string): string[] {
  const found: string[] = [];
  for (const pattern of JS_SPECIFIERS) {
    for (const match of content.matchAll(pattern)) {
      const specifier = match[1]!;
      if (specifier.startsWith("./") || specifier.startsWith("../"))
        found.push(...resolveJs(path.dirname(absolute), specifier));
    }
  }
  return found;
}

/** The local files one file imports (Python and TS/JS), as absolute paths inside the root. */
export function localImports(options: { root: string; file: string; content: string }): string[] {
  const ext = path.extname(options.file).toLowerCase();
  const found =
    ext === ".py" || ext === ".pyi"
      ? pythonImports(options.root, options.file, options.content)
      : /\.[cm]?[jt]sx?$/.test(ext)
        ? jsImports(options.file, options.content)
        : [];
  const inside = (file: string) => !path.relative(options.root, file).startsWith("..") && file !== options.file;
  return [...new Set(found.filter(inside))].sort();
}

/** Follow imports breadth-first up to `depth` levels from the given files (absolute paths). */
export function collectImports(options: { root: string; files: string[]; depth: number }): string[] {
  const seen = new Set(options.files);
  const result: string[] = [];
  let frontier = options.files;
  for (let level = 0; level < options.depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const file of frontier) {
      let content: string;
      try {
        // Through the guard: a file that may not be sent is not read to follow its imports either.
        content = readProjectFile(options.root, file, { field: "include_imports" }).bytes.toString("utf8");
      } catch {
        continue;
      }
      for (const imported of localImports({ root: options.root, file, content })) {
        if (seen.has(imported)) continue;
        seen.add(imported);
        result.push(imported);
        next.push(imported);
      }
    }
    frontier = next;
  }
  return result;
}

/** How a language writes a whole-line comment; enough to find a placeholder the model left instead of code. */
export interface CommentStyle {
  line: string[];
  block: Array<[open: string, close: string]>;
  /** A line holding only `...` is not valid code here, so it can only be an elision. */
  bareEllipsisIsElision: boolean;
}

const C_LIKE: CommentStyle = { line: ["//"], block: [["/*", "*/"]], bareEllipsisIsElision: true };
const HASH: CommentStyle = { line: ["#"], block: [], bareEllipsisIsElision: false };
const MARKUP: CommentStyle = { line: [], block: [["<!--", "-->"]], bareEllipsisIsElision: false };
const DASH: CommentStyle = { line: ["--"], block: [["/*", "*/"]], bareEllipsisIsElision: false };

const STYLES: Record<string, CommentStyle> = {
  c: C_LIKE,
  "c-like": C_LIKE,
  hash: HASH,
  python: HASH,
  ruby: { line: ["#"], block: [["=begin", "=end"]], bareEllipsisIsElision: false },
  shell: HASH,
  yaml: HASH,
  toml: HASH,
  r: HASH,
  perl: HASH,
  elixir: HASH,
  make: HASH,
  dockerfile: HASH,
  nim: HASH,
  php: { line: ["//", "#"], block: [["/*", "*/"]], bareEllipsisIsElision: true },
  css: { line: [], block: [["/*", "*/"]], bareEllipsisIsElision: true },
  scss: C_LIKE,
  markup: MARKUP,
  markdown: MARKUP,
  vue: {
    line: ["//"],
    block: [
      ["<!--", "-->"],
      ["/*", "*/"],
    ],
    bareEllipsisIsElision: false,
  },
  sql: DASH,
  lua: { line: ["--"], block: [["--[[", "]]"]], bareEllipsisIsElision: false },
  haskell: { line: ["--"], block: [["{-", "-}"]], bareEllipsisIsElision: false },
  lisp: { line: [";"], block: [], bareEllipsisIsElision: false },
  ini: { line: [";", "#"], block: [], bareEllipsisIsElision: false },
  tex: { line: ["%"], block: [], bareEllipsisIsElision: false },
  erlang: { line: ["%"], block: [], bareEllipsisIsElision: false },
  batch: { line: ["::", "rem ", "REM "], block: [], bareEllipsisIsElision: false },
  vim: { line: ['"'], block: [], bareEllipsisIsElision: false },
  /** Unknown files: every common syntax, and `...` lines allowed (plain text may hold them). */
  unknown: {
    line: ["#", "//", "--", ";"],
    block: [
      ["/*", "*/"],
      ["<!--", "-->"],
    ],
    bareEllipsisIsElision: false,
  },
};

const BY_EXTENSION: Record<string, string> = {};
const FAMILIES: Record<string, string[]> = {
  c: [
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "cs",
    "java",
    "kt",
    "kts",
    "scala",
    "go",
    "rs",
    "swift",
    "dart",
    "js",
    "mjs",
    "cjs",
    "jsx",
    "ts",
    "mts",
    "cts",
    "tsx",
    "groovy",
    "gradle",
    "zig",
    "proto",
    "sol",
    "m",
    "mm",
    "v",
    "json5",
    "jsonc",
  ],
  python: ["py", "pyi", "pyw"],
  ruby: ["rb", "rake", "gemspec"],
  shell: ["sh", "bash", "zsh", "fish", "ksh", "ps1", "psm1"],
  yaml: ["yml", "yaml"],
  toml: ["toml"],
  r: ["r"],
  perl: ["pl", "pm"],
  elixir: ["ex", "exs"],
  nim: ["nim"],
  php: ["php"],
  css: ["css"],
  scss: ["scss", "less", "sass"],
  markup: ["html", "htm", "xml", "svg", "xhtml", "svelte", "astro", "jinja", "j2"],
  markdown: ["md", "markdown", "mdx"],
  vue: ["vue"],
  sql: ["sql"],
  lua: ["lua"],
  haskell: ["hs", "elm"],
  lisp: ["lisp", "el", "clj", "cljs", "edn", "scm", "rkt", "asm", "s"],
  ini: ["ini", "cfg", "conf", "properties"],
  tex: ["tex", "sty", "cls", "bib"],
  erlang: ["erl", "hrl"],
  batch: ["bat", "cmd"],
  vim: ["vim"],
};
for (const [family, extensions] of Object.entries(FAMILIES)) for (const ext of extensions) BY_EXTENSION[ext] = family;

const BY_NAME: Record<string, string> = {
  makefile: "make",
  gnumakefile: "make",
  dockerfile: "dockerfile",
  containerfile: "dockerfile",
  rakefile: "ruby",
  gemfile: "ruby",
  ".bashrc": "shell",
  ".zshrc": "shell",
  ".gitignore": "hash",
  ".env": "hash",
};

const FENCE_TAGS: Record<string, string> = {
  python: "python",
  py: "python",
  javascript: "c",
  js: "c",
  typescript: "c",
  ts: "c",
  tsx: "c",
  jsx: "c",
  java: "c",
  go: "c",
  golang: "c",
  rust: "c",
  rs: "c",
  cpp: "c",
  "c++": "c",
  csharp: "c",
  "c#": "c",
  kotlin: "c",
  swift: "c",
  scala: "c",
  dart: "c",
  ruby: "ruby",
  rb: "ruby",
  bash: "shell",
  sh: "shell",
  shell: "shell",
  zsh: "shell",
  powershell: "shell",
  yaml: "yaml",
  yml: "yaml",
  toml: "toml",
  html: "markup",
  xml: "markup",
  markdown: "markdown",
  md: "markdown",
  sql: "sql",
  lua: "lua",
  haskell: "haskell",
  php: "php",
  css: "css",
  scss: "scss",
  vue: "vue",
  r: "r",
  perl: "perl",
  elixir: "elixir",
  dockerfile: "dockerfile",
  makefile: "make",
  ini: "ini",
  tex: "tex",
  latex: "tex",
  erlang: "erlang",
  clojure: "lisp",
  lisp: "lisp",
};

/**
 * The comment family of a file, from its name (`src/a.py`, `Makefile`), else from a fence tag or a
 * language name (`python`, `ts`). Unknown names get every common comment syntax.
 */
export function languageOf(pathOrLanguage: string | undefined, fenceTag?: string): string {
  if (pathOrLanguage) {
    const base = pathOrLanguage.replace(/\\/g, "/").split("/").pop()!.toLowerCase();
    if (STYLES[base] && !base.includes(".")) return base;
    if (BY_NAME[base]) return BY_NAME[base];
    const dot = base.lastIndexOf(".");
    if (dot > 0 && BY_EXTENSION[base.slice(dot + 1)]) return BY_EXTENSION[base.slice(dot + 1)]!;
    if (FENCE_TAGS[base]) return FENCE_TAGS[base];
  }
  const tag = fenceTag?.toLowerCase();
  if (tag && FENCE_TAGS[tag]) return FENCE_TAGS[tag];
  return "unknown";
}

export function commentStyle(language: string): CommentStyle {
  return STYLES[language] ?? STYLES[languageOf(language)] ?? STYLES.unknown!;
}

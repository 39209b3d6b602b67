import path from "node:path";

/**
 * A backtick fence longer than any run of backticks inside `content`, so nothing in the file can close
 * the block early: ``` normally, ```` when the file holds ```, and so on.
 */
export function chooseFence(content: string): string {
  let longest = 0;
  for (const match of content.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}

const LANGUAGES: Record<string, string> = {
  py: "python",
  pyi: "python",
  ts: "typescript",
  tsx: "tsx",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "jsx",
  mjs: "javascript",
  cjs: "javascript",
  json: "json",
  jsonc: "jsonc",
  md: "markdown",
  sh: "bash",
  bash: "bash",
  zsh: "zsh",
  go: "go",
  rs: "rust",
  java: "java",
  kt: "kotlin",
  kts: "kotlin",
  rb: "ruby",
  php: "php",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  cs: "csharp",
  swift: "swift",
  scala: "scala",
  sql: "sql",
  yaml: "yaml",
  yml: "yaml",
  toml: "toml",
  ini: "ini",
  html: "html",
  css: "css",
  scss: "scss",
  vue: "vue",
  svelte: "svelte",
  lua: "lua",
  r: "r",
  dart: "dart",
  ex: "elixir",
  exs: "elixir",
  erl: "erlang",
  hs: "haskell",
  tf: "hcl",
  xml: "xml",
  proto: "protobuf",
};

const BY_NAME: Record<string, string> = { dockerfile: "dockerfile", makefile: "makefile" };

/** The fence's language tag for a path ("" when unknown: the block is still valid without one). */
export function languageFor(file: string): string {
  const base = path.posix.basename(file).toLowerCase();
  if (BY_NAME[base]) return BY_NAME[base];
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : "";
  return LANGUAGES[ext] ?? "";
}

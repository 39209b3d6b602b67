import type { RuleSpecInput } from "./schema.js";

/*
 * The patterns stay inside the syntax JavaScript and ripgrep share (no lookaround, no
 * backreferences, `[ \t]` rather than the Unicode-wide `\s`), so `rg` with the same pattern finds
 * the same matches; the benchmark checks exactly that.
 */

const PYTHON = ["py"];
const JS_TS = ["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"];
const CODE = [
  ...PYTHON,
  ...JS_TS,
  "go",
  "rs",
  "java",
  "kt",
  "rb",
  "php",
  "c",
  "h",
  "cc",
  "cpp",
  "hpp",
  "cs",
  "swift",
  "scala",
  "sh",
  "bash",
  "sql",
  "lua",
  "vue",
  "svelte",
];

/** Test code may use mocks, prints and fake secrets. */
const TEST_GLOBS = [
  "**/test/**",
  "**/tests/**",
  "**/__tests__/**",
  "**/__mocks__/**",
  "**/testing/**",
  "**/fixtures/**",
  "**/test_*.py",
  "**/*_test.py",
  "**/conftest.py",
  "**/*.test.*",
  "**/*.spec.*",
];

/** A line inside a Python function body that does not start a new def, class or decorator. */
function pythonBodyLine(): string {
  const notAsyncDef = "a(?:[^s\\n]|s[^y\\n]|sy[^n\\n]|syn[^c\\n]|sync[^ \\t\\n]|sync[ \\t]+[^ \\t\\nd])";
  const notDef = "d(?:[^e\\n]|e[^f\\n]|ef[^ \\t\\n])";
  const notClass = "c(?:[^l\\n]|l[^a\\n]|la[^s\\n]|las[^s\\n]|lass[^ \\t\\n])";
  return `(?:[ \\t]*\\n|\\)[^\\n]*\\n|[ \\t]+(?:[^ \\t\\n@adc]|${notAsyncDef}|${notDef}|${notClass})[^\\n]*\\n)`;
}

/** The innermost function around a node is an `async def` (a nested def or lambda runs elsewhere). */
const IN_ASYNC_BODY = {
  kind: "function_definition",
  regex: "^async",
  stopBy: { any: [{ kind: "function_definition" }, { kind: "lambda" }] },
};

const BLOCKING_CALLS = [
  "time\\.sleep",
  "requests\\.(?:get|post|put|patch|delete|head|request)",
  "urllib\\.request\\.urlopen",
  "subprocess\\.(?:run|call|check_call|check_output)",
  "os\\.system",
].join("|");

export const BUILTIN_RULES: RuleSpecInput[] = [
  {
    id: "mock-in-production",
    severity: "error",
    message: "Mock object or mock implementation in production code",
    description:
      "Mocks, MagicMock/AsyncMock and mock_* stand-ins outside test files: the real implementation is missing.",
    // `mock` only as a whole part of a name (mock_client, use_mock, mockApi), so hammock stays quiet.
    pattern: "\\b\\w*Mock\\w*|\\b(?:\\w*_)?mock(?:_\\w*|[A-Z]\\w*)?\\b",
    extensions: [...PYTHON, ...JS_TS],
    exclude: TEST_GLOBS,
    fix_hint:
      "Replace the mock with the real implementation, or inject the dependency so that only tests pass a fake; do not import unittest.mock (or jest/vi mocks) outside tests.",
    tags: ["correctness"],
  },
  {
    id: "logger-bind",
    severity: "warning",
    message: "Deprecated logger.bind(...) call",
    description: "logger.bind() is deprecated in this codebase; it creates a bound logger per call.",
    pattern: "\\blogger\\.bind\\(",
    extensions: PYTHON,
    fix_hint:
      'Pass the context as keyword arguments of the log call instead: logger.bind(k=v).info("msg") becomes logger.info("msg", k=v); for a whole block use `with logger.contextualize(k=v):`.',
    tags: ["deprecation"],
  },
  {
    id: "blocking-call-in-async",
    severity: "error",
    message: "Blocking call inside an async function (it stalls the event loop)",
    description:
      "time.sleep, requests.*, urlopen, subprocess.run/call, os.system or a *_sync helper called directly in the body of an async def.",
    // `\w_sync(` rather than `\b\w+_sync(`, and one `[ \t]` before the lazy `[^\n]*?` rather than
    // `[ \t]+`: the same matches, without backtracking over every word and every indentation.
    // Parsed, every blocking call whose innermost function is an async def is reported; the regex
    // form (no parser for the platform) finds the first one after each `async def` line.
    ast: {
      rule: {
        any: [
          { pattern: "time.sleep($$$)" },
          { pattern: "requests.$METHOD($$$)" },
          { pattern: "urllib.request.urlopen($$$)" },
          { pattern: "subprocess.$RUN($$$)" },
          { pattern: "os.system($$$)" },
          { kind: "call", has: { field: "function", regex: "\\w_sync$" } },
        ],
        inside: IN_ASYNC_BODY,
      },
      constraints: {
        METHOD: { regex: "^(?:get|post|put|patch|delete|head|request)$" },
        RUN: { regex: "^(?:run|call|check_call|check_output)$" },
      },
      prefilter: ["async[ \\t]+def", `\\b(?:${BLOCKING_CALLS})\\(|\\w_sync\\(`],
    },
    pattern: `async[ \\t]+def[ \\t]+\\w+[^\\n]*\\n${pythonBodyLine()}*?[ \\t][^\\n]*?(?:\\b(?:${BLOCKING_CALLS})|\\w_sync)\\(`,
    multiline: true,
    anchor: "end",
    extensions: PYTHON,
    fix_hint:
      "Run the blocking function in a thread: `result = await asyncio.to_thread(fn, *args)` (use `await asyncio.sleep(s)` instead of time.sleep, or an async client such as httpx.AsyncClient instead of requests).",
    tags: ["performance", "async"],
  },
  {
    id: "debug-print",
    severity: "note",
    message: "Leftover debug print()",
    pattern: "^[ \\t]*print\\(",
    extensions: PYTHON,
    exclude: [
      ...TEST_GLOBS,
      "**/__main__.py",
      "**/scripts/**",
      "**/bin/**",
      "**/cli.py",
      "**/manage.py",
      "**/examples/**",
    ],
    fix_hint: "Remove the print, or log through the project's logger at debug level.",
    tags: ["cleanup"],
  },
  {
    id: "debugger-statement",
    severity: "error",
    message: "Debugger breakpoint left in the code",
    pattern: "\\bbreakpoint\\(\\)|\\b(?:i?pdb|pudb)\\.set_trace\\(\\)|^[ \\t]*debugger[ \\t]*;?[ \\t]*$",
    extensions: [...PYTHON, ...JS_TS],
    fix_hint: "Remove the breakpoint()/pdb.set_trace()/debugger statement.",
    tags: ["cleanup"],
  },
  {
    id: "bare-except",
    severity: "warning",
    message: "Bare `except:` catches everything, including KeyboardInterrupt and SystemExit",
    pattern: "^[ \\t]*except[ \\t]*:",
    extensions: PYTHON,
    fix_hint:
      "Catch `Exception` (or the specific errors you expect) and log or re-raise instead of silently swallowing them.",
    tags: ["correctness"],
  },
  {
    id: "console-log",
    severity: "warning",
    message: "console.log/debug/trace left in TS/JS source",
    pattern: "\\bconsole\\.(?:log|debug|trace|dir|info)\\(",
    extensions: JS_TS,
    exclude: [...TEST_GLOBS, "**/bin/**", "**/scripts/**", "**/*.config.*", "**/examples/**"],
    fix_hint: "Remove it, or use the project's logger (writing diagnostics to stderr), so stdout stays clean.",
    tags: ["cleanup"],
  },
  {
    id: "datetime-utcnow",
    severity: "warning",
    message: "datetime.utcnow()/utcfromtimestamp() return naive datetimes and are deprecated since Python 3.12",
    pattern: "\\bdatetime\\.utc(?:now|fromtimestamp)\\b",
    extensions: PYTHON,
    fix_hint:
      "Use an aware datetime: datetime.now(timezone.utc), or datetime.fromtimestamp(ts, tz=timezone.utc) (from datetime import timezone).",
    tags: ["deprecation"],
  },
  {
    id: "todo-comment",
    severity: "note",
    message: "TODO/FIXME/XXX/HACK comment",
    pattern: "(?:#|//|/\\*|^[ \\t]*\\*)[ \\t]*(?:TODO|FIXME|XXX|HACK)\\b",
    extensions: CODE,
    fix_hint: "Do what the comment asks (or open an issue for it) and remove the comment.",
    tags: ["cleanup"],
  },
  {
    id: "not-implemented",
    severity: "warning",
    message: "Unimplemented stub: raise NotImplementedError outside an abstract method",
    pattern: "\\braise[ \\t]+NotImplementedError\\b",
    not_nearby: { pattern: "@(?:abc\\.)?abstractmethod|@overload|\\bProtocol\\b", lines: 6 },
    extensions: PYTHON,
    exclude: TEST_GLOBS,
    fix_hint: "Implement the function; if it is meant to be abstract, decorate it with @abstractmethod on an ABC.",
    tags: ["correctness"],
  },
  {
    id: "ts-ignore",
    severity: "warning",
    message: "Type error silenced with @ts-ignore / @ts-nocheck",
    pattern: "//[ \\t]*@ts-(?:ignore|nocheck)\\b",
    extensions: JS_TS,
    fix_hint: "Fix the type error and remove the comment; if it must stay, use @ts-expect-error with a reason.",
    tags: ["types"],
  },
  {
    id: "mutable-default-arg",
    severity: "warning",
    message: "Mutable default argument (shared between calls)",
    pattern: "\\bdef[ \\t]+\\w+[ \\t]*\\([^)\\n]*=[ \\t]*(?:\\[\\]|\\{\\}|dict\\(\\)|list\\(\\)|set\\(\\))",
    extensions: PYTHON,
    fix_hint:
      "Default to None and create the value inside: `def f(items=None): items = [] if items is None else items`.",
    tags: ["correctness"],
  },
  {
    id: "hardcoded-secret",
    severity: "error",
    message: "Hard-coded secret (password, API key or token) in source",
    pattern:
      "\\b(?:api_?key|secret_?key|client_?secret|password|passwd|access_?token|auth_?token)[\"']?[ \\t]*[:=][ \\t]*[\"'][^\"'\\n]{8,}[\"']",
    ignore_case: true,
    not_nearby: {
      pattern: "example|placeholder|changeme|dummy|your[_-]|<[a-z_-]+>|\\$\\{|\\{\\{|xxxx|\\*\\*\\*\\*",
      lines: 0,
    },
    extensions: CODE,
    exclude: TEST_GLOBS,
    fix_hint:
      "Read the secret from the environment or a secret store (os.environ[...] / process.env...), and rotate the exposed one.",
    tags: ["security"],
  },
];

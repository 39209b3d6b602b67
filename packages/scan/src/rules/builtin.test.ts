import { describe, expect, it } from "vitest";
import { scanText } from "../scan-file.js";
import { BUILTIN_RULES } from "./builtin.js";
import { compileRule } from "./compile.js";
import { parseBuiltinRules } from "./load.js";

const rules = new Map(parseBuiltinRules().map((spec) => [spec.id, compileRule(spec)]));

/** The lines (1-based) where a built-in rule reports in `code`, as if the code lived at `file`. */
function lines(ruleId: string, file: string, code: string): number[] {
  const rule = rules.get(ruleId)!;
  if (!rule.appliesTo(file)) return [];
  return scanText(file, code, [rule], { contextLines: 0 }).findings.map((f) => f.line);
}

describe("built-in rules", () => {
  it("all parse, have unique ids, a fix hint and a documented severity", () => {
    expect(new Set(BUILTIN_RULES.map((r) => r.id)).size).toBe(BUILTIN_RULES.length);
    for (const rule of parseBuiltinRules()) expect(rule.fix_hint, rule.id).toBeTruthy();
  });

  it("mock-in-production: flags mocks in source, not in tests", () => {
    const code = [
      "from unittest.mock import MagicMock",
      "from billing.client import StripeClient",
      "",
      "class Gateway:",
      "    def __init__(self, client=None):",
      "        self.client = client or MagicMock()",
      "        self.mock_mode = False",
      "",
      "def hammock_price():  # a word that merely contains the letters",
      "    return 10",
    ].join("\n");
    expect(lines("mock-in-production", "src/billing/gateway.py", code)).toEqual([1, 1, 6, 7]);
    expect(lines("mock-in-production", "tests/test_gateway.py", code)).toEqual([]);
    expect(lines("mock-in-production", "src/billing/test_gateway.py", code)).toEqual([]);
    const ts =
      'import { vi } from "vitest";\nconst api = mockApi();\nvi.mock("./db");\nexport const real = createClient();\n';
    expect(lines("mock-in-production", "src/api.ts", ts)).toEqual([2, 3]);
    expect(lines("mock-in-production", "src/api.test.ts", ts)).toEqual([]);
  });

  it("logger-bind: loguru-style bind calls", () => {
    const code = [
      "from loguru import logger",
      "",
      "def handle(execution_id):",
      "    logger.bind(execution_id=execution_id).info('started')",
      "    log = logger.bind(skip_sink=True)",
      "    logger.info('plain', execution_id=execution_id)",
      "    self.logger.bind_context = None",
    ].join("\n");
    expect(lines("logger-bind", "src/sink.py", code)).toEqual([4, 5]);
  });

  it("blocking-call-in-async: blocking calls in async bodies, at the call's line", () => {
    const code = [
      "import asyncio, time, requests",
      "",
      "class Sink:",
      "    def _write_sync(self, record):",
      "        time.sleep(0.1)",
      "",
      "    async def write(self, record):",
      "        payload = dict(record)",
      "        self._write_sync(payload)",
      "",
      "    async def write_ok(self, record):",
      "        await asyncio.to_thread(self._write_sync, record)",
      "",
      "    def fetch(self):",
      "        return requests.get('https://example.com')",
      "",
      "async def poll(",
      "    url: str,",
      ") -> bytes:",
      "    async with session() as s:",
      "        pass",
      "    return requests.get(url, timeout=5).content",
      "",
      "async def outer():",
      "    def work():",
      "        time.sleep(1)",
      "    await asyncio.to_thread(work)",
    ].join("\n");
    expect(lines("blocking-call-in-async", "src/sink.py", code)).toEqual([9, 22]);
  });

  it("debug-print: prints in library code, not in scripts or tests", () => {
    const code = "def total(items):\n    print('debug', items)\n    return sum(items)\n\nmessage = 'print(x)'\n";
    expect(lines("debug-print", "src/cart.py", code)).toEqual([2]);
    expect(lines("debug-print", "scripts/report.py", code)).toEqual([]);
    expect(lines("debug-print", "src/__main__.py", code)).toEqual([]);
  });

  it("debugger-statement: breakpoint(), pdb and debugger", () => {
    expect(
      lines("debugger-statement", "src/a.py", "x = 1\nbreakpoint()\nimport pdb; pdb.set_trace()\nbreakpoints = []\n"),
    ).toEqual([2, 3]);
    expect(
      lines("debugger-statement", "src/a.ts", "function f() {\n  debugger;\n  const debuggerUrl = 1;\n}\n"),
    ).toEqual([2]);
  });

  it("bare-except: only the bare form", () => {
    const code =
      "try:\n    run()\nexcept:\n    pass\ntry:\n    run()\nexcept Exception:\n    raise\nexcept :\n    pass\n";
    expect(lines("bare-except", "src/a.py", code)).toEqual([3, 9]);
  });

  it("console-log: in TS/JS source, not in tests or bins", () => {
    const code =
      'export function add(a: number, b: number) {\n  console.log("add", a, b);\n  console.error("ok to keep");\n  return a + b;\n}\n';
    expect(lines("console-log", "src/math.ts", code)).toEqual([2]);
    expect(lines("console-log", "src/math.spec.ts", code)).toEqual([]);
    expect(lines("console-log", "bin/cli.js", code)).toEqual([]);
    expect(lines("console-log", "src/math.py", code)).toEqual([]);
  });

  it("datetime-utcnow: calls and references", () => {
    const code = [
      "from datetime import datetime, timezone",
      "created = datetime.utcnow()",
      "stamp = datetime.datetime.utcfromtimestamp(ts)",
      "field(default_factory=datetime.utcnow)",
      "ok = datetime.now(timezone.utc)",
    ].join("\n");
    expect(lines("datetime-utcnow", "src/a.py", code)).toEqual([2, 3, 4]);
  });

  it("todo-comment: markers in comments of several languages", () => {
    expect(lines("todo-comment", "src/a.py", "x = 1  # TODO: remove\nlabel = 'TODO list'\n# FIXME later\n")).toEqual([
      1, 3,
    ]);
    expect(
      lines("todo-comment", "src/a.ts", "// HACK around a bug\n/* XXX */\n * TODO in a doc block\nconst TODO = 1;\n"),
    ).toEqual([1, 2, 3]);
    expect(lines("todo-comment", "README.md", "# TODO\n")).toEqual([]);
  });

  it("not-implemented: stubs, but not abstract methods", () => {
    const code = [
      "class Base(ABC):",
      "    @abstractmethod",
      "    def run(self):",
      "        raise NotImplementedError",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "def export_csv(rows):",
      "    raise NotImplementedError('csv export')",
    ].join("\n");
    expect(lines("not-implemented", "src/a.py", code)).toEqual([14]);
  });

  it("ts-ignore: @ts-ignore and @ts-nocheck, not @ts-expect-error", () => {
    const code =
      "// @ts-ignore\nconst a: number = 'x';\n// @ts-expect-error legacy\nconst b: number = 'y';\n//@ts-nocheck\n";
    expect(lines("ts-ignore", "src/a.ts", code)).toEqual([1, 5]);
  });

  it("mutable-default-arg: list/dict/set defaults", () => {
    const code =
      "def a(x, items=[]):\n    pass\ndef b(opts={}, *, n=1):\n    pass\ndef c(x=None, y=()):\n    pass\ndef d(seen=set()):\n    pass\n";
    expect(lines("mutable-default-arg", "src/a.py", code)).toEqual([1, 3, 7]);
  });

  it("hardcoded-secret: literals, not placeholders or env lookups", () => {
    const code = [
      'API_KEY = "sk_live_51HxQ2eK9f8"',
      'password = os.environ["DB_PASSWORD"]',
      'config = {"client_secret": "9f8e7d6c5b4a3210"}',
      'token = "<your-token-here>"',
      'Access_Token = "changeme-please"',
      'pwd = "short"',
    ].join("\n");
    expect(lines("hardcoded-secret", "src/settings.py", code)).toEqual([1, 3]);
    expect(lines("hardcoded-secret", "tests/test_settings.py", code)).toEqual([]);
  });
});

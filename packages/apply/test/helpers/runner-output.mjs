// Plain JavaScript so that bench/evidence.bench.mjs (node against the built packages, no .ts) and the tests
// share one generator of runner output; types in runner-output.d.mts.

/** A finished verify run as runCommand reports it: it passed when it exited 0. */
export function commandRun(output, exit, extra = {}) {
  return {
    command: "python3 -m unittest",
    exit_code: exit,
    passed: exit === 0,
    timed_out: false,
    interrupted: false,
    duration_ms: 10,
    output,
    ...extra,
  };
}

/** A long `node --test` (TAP) run: `tests` tests of which those in `failing` fail, about 4 lines a passing test. */
export function tapOutput(tests, failing, root) {
  const out = ["TAP version 13"];
  for (let i = 1; i <= tests; i++) {
    const name = `case ${i} keeps the ledger balanced`;
    out.push(`# Subtest: ${name}`);
    if (!failing.has(i)) {
      out.push(`ok ${i} - ${name}`, "  ---", `  duration_ms: ${(i % 7) + 0.25}`, "  ...");
      continue;
    }
    out.push(
      `not ok ${i} - ${name}`,
      "  ---",
      "  duration_ms: 1.5",
      `  location: '${root}/test/ledger.test.js:${i}:1'`,
      "  failureType: 'testCodeFailure'",
      `  error: 'balance ${i} is off by ${i % 13}'`,
      "  code: 'ERR_ASSERTION'",
      "  name: 'AssertionError'",
      "  stack: |-",
      `    post (file://${root}/src/ledger.js:${40 + (i % 9)}:11)`,
      `    TestContext.<anonymous> (file://${root}/test/ledger.test.js:${i}:20)`,
      "    Test.runInAsyncScope (node:async_hooks:206:9)",
      "    Test.run (node:internal/test_runner/test:796:25)",
      "  ...",
    );
  }
  out.push(`1..${tests}`, `# tests ${tests}`, `# pass ${tests - failing.size}`, `# fail ${failing.size}`);
  return `${out.join("\n")}\n`;
}

/** A long `pytest -v` run in the same shape: PASSED lines, then the FAILURES sections and the short summary. */
export function pytestOutput(tests, failing) {
  const out = [
    "============================= test session starts ==============================",
    `collected ${tests} items`,
    "",
  ];
  for (let i = 1; i <= tests; i++)
    out.push(
      `tests/test_ledger.py::test_case_${i} ${failing.has(i) ? "FAILED" : "PASSED"}${" ".repeat(20)}[${Math.floor((i * 100) / tests)}%]`,
    );
  out.push("", "=================================== FAILURES ===================================");
  for (const i of failing) {
    out.push(
      `_________________________________ test_case_${i} _________________________________`,
      "",
      `    def test_case_${i}():`,
      `>       assert post(${i}) == ${i}`,
      `E       assert ${i + 1} == ${i}`,
      `E        +  where ${i + 1} = post(${i})`,
      "",
      `tests/test_ledger.py:${i}: AssertionError`,
    );
  }
  out.push("=========================== short test summary info ============================");
  for (const i of failing) out.push(`FAILED tests/test_ledger.py::test_case_${i} - assert ${i + 1} == ${i}`);
  out.push(
    `========================= ${failing.size} failed, ${tests - failing.size} passed in 3.21s =========================`,
  );
  return `${out.join("\n")}\n`;
}

/** A place in a source file that an output names (a stack frame, a `path:line` diagnostic). */
export interface SourceLocation {
  /** As printed, made project-relative when it lies under the project root. */
  file: string;
  line: number;
  column: number | null;
}

/** One failing test or one error diagnostic, as a runner or compiler reported it. */
export interface Failure {
  /**
   * What recognised it: `tap`, `node-spec`, `vitest`, `jest`, `mocha`, `pytest`, `unittest`, `cargo`, `go`, `junit`,
   * `tsc`, `eslint`, `diagnostic`.
   */
  kind: string;
  /** The failing test's name, or for a diagnostic its file and message (no line: lines move when code changes). */
  name: string;
  /** The line of the output that introduced it (`not ok 3 - …`, `FAIL: test_x (…)`, `--- FAIL: TestX`). */
  header: string;
  /** The assertion or error, a few lines (expected/actual included). */
  message: string[];
  locations: SourceLocation[];
}

/** Everything recognised in one run's output. */
export interface Evidence {
  failures: Failure[];
  /** The runners' own totals (`# fail 2`, `Tests  3 failed | 1 passed`, `FAILED (failures=2)`). */
  summary: string[];
  /** Output lines that went into no failure and no summary (passing tests, progress, noise). */
  dropped: number;
}

/** What a parser finds: the lines that hold locations are read afterwards, against the project root. */
export interface RawFailure extends Omit<Failure, "locations"> {
  frames: string[];
}

/** A parser reads the whole (colour-free) output and returns what it recognises; most return nothing. */
export type Parser = (lines: readonly string[]) => RawFailure[];

import { describe, expect, it } from "vitest";
import { checkReplyBytes, checkReplyText, escapeForTerminal } from "./text.js";

describe("checkReplyText", () => {
  it("accepts ordinary text, tabs and CRLF", () => {
    expect(checkReplyText("def f():\r\n\treturn 1\n")).toBeNull();
  });

  it("refuses NUL, control characters, replacement characters and bidi controls, naming the line", () => {
    expect(checkReplyText("a\nb\u0000")).toMatchObject({ code: "nul_byte", reason: "a NUL byte at line 2" });
    expect(checkReplyText("a\u001b[2Jb")).toMatchObject({
      code: "control_character",
      reason: expect.stringContaining("U+001B") as unknown,
    });
    expect(checkReplyText("x = '\uFFFD'")).toMatchObject({ code: "invalid_utf8" });
    expect(checkReplyText("if admin \u202E")).toMatchObject({ code: "bidi_control" });
    expect(checkReplyText("\u0085")).toMatchObject({ code: "control_character" });
  });

  it("allows what the original already had", () => {
    expect(checkReplyText("page\fbreak", "old\fpage")).toBeNull();
    expect(checkReplyText("page\fbreak\u0007", "old\fpage")).toMatchObject({ code: "control_character" });
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(checkReplyBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toMatchObject({ code: "invalid_utf8" });
    expect(checkReplyBytes(Buffer.from("café"))).toBeNull();
  });
});

describe("escapeForTerminal", () => {
  it("makes escape sequences, lone CRs and bidi controls visible and keeps LF, TAB and CRLF", () => {
    expect(escapeForTerminal("a\u001b[2J\u001b]0;t\u0007b")).toBe("a\\x1b[2J\\x1b]0;t\\x07b");
    expect(escapeForTerminal("x\ry\r\n\tz\u202E")).toBe("x\\x0dy\r\n\tz\\u202e");
    expect(escapeForTerminal("a\u009bb")).toBe("a\\x9bb");
  });
});

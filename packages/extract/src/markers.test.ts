import { describe, expect, it } from "vitest";
import {
  classifyFenceLine,
  fenceLanguage,
  lastStartMarkerPath,
  parseMarkerLine,
  parseOpeningFence,
} from "./markers.js";

const line = (text: string) => [text, 0, text.length] as const;

describe("parseMarkerLine", () => {
  it.each([
    ["<!-- CODE_FILE_START: src/a.py -->", "start", "src/a.py"],
    ["<!--code_file_start:src/a.py-->", "start", "src/a.py"],
    ["  <!--   Code File Start :  src/a.py   -->  ", "start", "src/a.py"],
    ["<!-- CODE-FILE-END -->", "end", undefined],
    ["<!-- CODE_FILE_END: `src/a.py` -->", "end", "src/a.py"],
    ['<!-- CODE_FILE_START: "src/my file.py" -->', "start", "src/my file.py"],
    ["<!-- CODE_FILE_START src/a.py -->", "start", "src/a.py"],
    ["<!-- code_file_end: src/a.py -->\r", "end", "src/a.py"],
  ])("%s", (text, kind, path) => {
    expect(parseMarkerLine(text)).toEqual({ kind, path });
  });

  it("ignores other comments and markers that are not alone on their line", () => {
    expect(parseMarkerLine("<!-- CODE_CONTEXT_START: src/a.py -->")).toBeUndefined();
    expect(parseMarkerLine("text <!-- CODE_FILE_START: a.py -->")).toBeUndefined();
    expect(parseMarkerLine("<!-- CODE_FILE_STARTED: a.py -->")).toBeUndefined();
  });
});

describe("fences", () => {
  it("reads the opening fence's character, length, indentation and tag", () => {
    expect(parseOpeningFence(...line("````python title=a.py"))).toEqual({
      char: "`",
      length: 4,
      indent: 0,
      info: "python title=a.py",
    });
    expect(parseOpeningFence(...line("  ~~~"))).toEqual({ char: "~", length: 3, indent: 2, info: "" });
    expect(parseOpeningFence(...line("``not a fence"))).toBeUndefined();
    expect(parseOpeningFence(...line("```inline``` code"))).toBeUndefined();
  });

  it("closes only on the same character at least as long with nothing after it", () => {
    const fence = parseOpeningFence(...line("````"))!;
    expect(classifyFenceLine(...line("```"), fence)).toBe("content");
    expect(classifyFenceLine(...line("````"), fence)).toBe("close");
    expect(classifyFenceLine(...line("`````  \r"), fence)).toBe("close");
    expect(classifyFenceLine(...line("~~~~"), fence)).toBe("content");
    expect(classifyFenceLine(...line("````js"), fence)).toBe("collides");
  });

  it("takes the language from the first word of the info string", () => {
    expect(fenceLanguage("{.python}")).toBe("python");
    expect(fenceLanguage("TS title=x")).toBe("ts");
    expect(fenceLanguage("")).toBeUndefined();
  });
});

describe("lastStartMarkerPath", () => {
  it("finds the focus file in the request's last instruction, skipping templates", () => {
    const request =
      "context <!-- CODE_FILE_START: path --> ... \nReturn <!-- CODE_FILE_START: src/a.py --> then <!-- CODE_FILE_END: src/a.py -->";
    expect(lastStartMarkerPath(request)).toBe("src/a.py");
    expect(lastStartMarkerPath("nothing here")).toBeUndefined();
  });
});

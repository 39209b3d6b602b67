import { describe, expect, it } from "vitest";
import { scanReply } from "./scan-reply.js";

describe("scanReply", () => {
  it("matches the closing fence to the opening one, not to a shorter inner fence", () => {
    const text =
      "<!-- CODE_FILE_START: README.md -->\n````markdown\n# T\n```sh\nls\n```\n````\n<!-- CODE_FILE_END: README.md -->\n";
    const [block] = scanReply(text).blocks;
    expect(block).toMatchObject({
      startPath: "README.md",
      content: "# T\n```sh\nls\n```\n",
      problem: undefined,
      language: "markdown",
    });
  });

  it("does not end a block at marker text inside the fence", () => {
    const text =
      "<!-- CODE_FILE_START: a.py -->\n```\nx = '<!-- CODE_FILE_END: a.py -->'\n<!-- CODE_FILE_END: a.py -->\n```\n<!-- CODE_FILE_END: a.py -->\n";
    expect(scanReply(text).blocks[0]!.content).toBe(
      "x = '<!-- CODE_FILE_END: a.py -->'\n<!-- CODE_FILE_END: a.py -->\n",
    );
  });

  it("reports a reply that ends inside the fence, or before the END marker", () => {
    expect(scanReply("<!-- CODE_FILE_START: a.py -->\n```\nx = 1\n").blocks[0]!.problem?.code).toBe("no_end_marker");
    expect(scanReply("<!-- CODE_FILE_START: a.py -->\n```\nx = 1\n```\n").blocks[0]!.problem?.code).toBe(
      "no_end_marker",
    );
    const two = scanReply(
      "<!-- CODE_FILE_START: a.py -->\n```\nx\n```\n<!-- CODE_FILE_START: b.py -->\n```\ny\n```\n<!-- CODE_FILE_END -->",
    );
    expect(two.blocks.map((b) => b.problem?.code ?? "ok")).toEqual(["no_end_marker", "ok"]);
  });

  it("flags a second opening of the same fence inside the block and text after the closing fence", () => {
    const inner = "<!-- CODE_FILE_START: a.md -->\n```\n```python\nx\n```\ntail\n```\n<!-- CODE_FILE_END -->\n";
    expect(scanReply(inner).blocks[0]!.problem).toMatchObject({ code: "ambiguous_fence", line: 3 });
    const after = "<!-- CODE_FILE_START: a.py -->\n```\nx\n```\nThis fixes it.\n<!-- CODE_FILE_END -->\n";
    expect(scanReply(after).blocks[0]!.problem).toMatchObject({ code: "ambiguous_fence", line: 5 });
  });

  it("takes unfenced code between the markers as the file, without blank edges", () => {
    const block = scanReply("<!-- CODE_FILE_START: a.py -->\n\nx = 1\n\ny = 2\n\n<!-- CODE_FILE_END: a.py -->")
      .blocks[0]!;
    expect(block).toMatchObject({ content: "x = 1\n\ny = 2\n", fence: undefined });
  });

  it("strips the opening fence's indentation and CRLF from content", () => {
    const block = scanReply(
      "<!-- CODE_FILE_START: a.py -->\r\n  ```\r\n  def f():\r\n      return 1\r\n  ```\r\n<!-- CODE_FILE_END -->",
    ).blocks[0]!;
    expect(block.content).toBe("def f():\n    return 1\n");
  });

  it("notes END markers with no START and an END marker naming another file", () => {
    expect(scanReply("x\n<!-- CODE_FILE_END: a.py -->\n").strayEndLines).toEqual([2]);
    const mismatch = scanReply("<!-- CODE_FILE_START: a.py -->\n```\nx\n```\n<!-- CODE_FILE_END: b.py -->\n")
      .blocks[0]!;
    expect(mismatch.problem?.code).toBe("marker_mismatch");
    const same = scanReply("<!-- CODE_FILE_START: ./a.py -->\n```\nx\n```\n<!-- CODE_FILE_END: a.py -->\n").blocks[0]!;
    expect(same.problem).toBeUndefined();
  });
});

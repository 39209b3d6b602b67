import { describe, expect, it } from "vitest";
import { detectElision } from "./elision.js";

const placeholders: Array<[string, string]> = [
  ["a.py", "# ... rest of the file ..."],
  ["a.py", "    # Rest of the file unchanged"],
  ["a.py", "# (unchanged)"],
  ["a.py", "# ... existing code ..."],
  ["a.py", "# Other methods remain the same"],
  ["a.py", "# [previous code remains unchanged]"],
  ["a.py", "# ... implementation omitted for brevity ..."],
  ["a.py", "# 200 lines omitted"],
  ["a.py", "# …"],
  ["a.ts", "// ...existing code..."],
  ["a.ts", "  // ... other handlers unchanged ..."],
  ["a.ts", "/* ... */"],
  ["a.ts", "..."],
  ["a.tsx", "{/* ... rest of the component ... */}"],
  ["a.go", "// rest of the code remains the same"],
  ["a.rs", "// ... snip ..."],
  ["index.html", "<!-- ... rest of the template ... -->"],
  ["query.sql", "-- ... remaining queries unchanged ..."],
  ["config.yaml", "# ... same as above"],
  ["a.lua", "-- rest of the module"],
  ["a.css", "/* existing styles unchanged */"],
  ["Makefile", "# ... existing rules ..."],
  ["python", "# keep existing code here"],
];

const ordinary: Array<[string, string]> = [
  ["a.py", "# keep the existing connection open"],
  ["a.py", "# the state remains unchanged if the call fails"],
  ["a.py", "# check the exit code..."],
  ["a.py", "# TODO: handle more cases..."],
  ["a.py", "# same as above"],
  ["a.py", "    ..."],
  ["a.py", "def stub(self) -> int: ..."],
  ["a.py", "x = compute()  # ... rest of the file"],
  ["a.py", "# Copy the rest of the input to the output buffer"],
  ["a.ts", "# not a comment in TypeScript: rest of the file"],
  ["a.ts", "const all = [...rest];"],
  ["a.ts", "// Wait for the existing connection to close before retrying"],
  ["a.md", "..."],
  ["a.md", "The rest of the file explains the setup."],
  ["notes.txt", "and so on..."],
];

describe("detectElision", () => {
  it.each(placeholders)("%s: %s is a placeholder", (file, line) => {
    const content = `first = 1\n${line}\nlast = 2\n`;
    expect(detectElision(content, file)).toEqual({ line: 2, text: line.trim() });
  });

  it.each(ordinary)("%s: %s is ordinary code or comment", (file, line) => {
    expect(detectElision(`first = 1\n${line}\nlast = 2\n`, file)).toBeUndefined();
  });

  it("uses the comment syntax of the language: a // placeholder is not one in Python", () => {
    expect(detectElision("// ... existing code ...\n", "a.py")).toBeUndefined();
    expect(detectElision("// ... existing code ...\n", "a.js")).toBeDefined();
    expect(detectElision("// ... existing code ...\n", "ts")).toBeDefined();
    expect(detectElision("// ... existing code ...\n")).toBeDefined();
  });
});

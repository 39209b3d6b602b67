interface TrimOptions {
  /** Lines that matter most (the new failure lines); shown first. */
  failing?: string[];
  headLines?: number;
  tailLines?: number;
  maxBytes?: number;
}

function cut(line: string, max = 400): string {
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Output trimmed to what a model (or a person) needs: the failing lines, then the head and the tail
 * of the output with the middle left out, within `maxBytes`. The tail usually holds the summary and
 * the last traceback, so when space runs short the head gives way first.
 */
export function trimOutput(output: string, options: TrimOptions = {}): string {
  const maxBytes = options.maxBytes ?? 4096;
  const lines = output
    .replace(/\s+$/, "")
    .split(/\r?\n/)
    .map((line) => cut(line));
  const headCount = options.headLines ?? 15;
  const tailCount = options.tailLines ?? 40;
  const failing = [...new Set((options.failing ?? []).map((line) => cut(line)))].slice(0, 20);
  const sections: string[] = [];
  if (failing.length > 0) sections.push(["Failing lines:", ...failing.map((line) => `  ${line}`)].join("\n"));
  let head = lines.slice(0, headCount);
  let tail = lines.length > headCount ? lines.slice(Math.max(headCount, lines.length - tailCount)) : [];
  const build = () => {
    const omitted = lines.length - head.length - tail.length;
    const body = omitted > 0 ? [...head, `[… ${omitted} line(s) omitted …]`, ...tail] : [...head, ...tail];
    return [...sections, failing.length > 0 ? ["Output:", ...body].join("\n") : body.join("\n")].join("\n\n");
  };
  let text = build();
  while (Buffer.byteLength(text) > maxBytes && (head.length > 3 || tail.length > 5)) {
    if (head.length > 3) head = head.slice(0, Math.max(3, head.length - 5));
    else tail = tail.slice(Math.min(5, tail.length - 5));
    text = build();
  }
  if (Buffer.byteLength(text) > maxBytes)
    text = `${Buffer.from(text)
      .subarray(0, maxBytes - 3)
      .toString("utf8")
      .replace(/\uFFFD$/, "")}…`;
  return text;
}

const MARKER =
  /gembatch-ignore(?![\w-])(?:[ \t]*:[ \t]*([A-Za-z0-9][A-Za-z0-9_.-]*(?:[ \t]*,[ \t]*[A-Za-z0-9][A-Za-z0-9_.-]*)*))?/;

/**
 * The rules a line's `gembatch-ignore` comment silences: "all" for a bare marker, the listed ids
 * for `gembatch-ignore: rule-a, rule-b`, or none.
 */
export function suppressionOf(line: string): "all" | string[] | null {
  if (!line.includes("gembatch-ignore")) return null;
  const match = MARKER.exec(line);
  if (!match) return null;
  if (match[1] === undefined) return "all";
  return match[1].split(",").map((id) => id.trim());
}

/** A finding is suppressed by a marker on its own line or on the line above. */
export function isSuppressed(ruleId: string, line: string, lineAbove: string): boolean {
  for (const text of [line, lineAbove]) {
    const suppression = suppressionOf(text);
    if (suppression === "all" || suppression?.includes(ruleId)) return true;
  }
  return false;
}

/**
 * A backtick fence longer than any backtick run in the content, so nothing in the file can close
 * its block (CommonMark closes a fence only with a run at least as long as the opening one).
 */
export function chooseFence(content: string): string {
  let longest = 0;
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return "`".repeat(Math.max(3, longest + 1));
}

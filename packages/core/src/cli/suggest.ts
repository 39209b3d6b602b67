import { Command } from "commander";

/** The closest of `names` to a mistyped word, by commander's own "Did you mean" rule (none when nothing is close). */
export function suggestName(word: string, names: string[]): string | undefined {
  const probe = new Command("probe")
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} })
    .showSuggestionAfterError(true);
  for (const name of names) probe.command(name);
  try {
    probe.parse([word], { from: "user" });
  } catch (error) {
    return /Did you mean (\S+?)\?/.exec((error as Error).message)?.[1];
  }
  return undefined;
}

import { readFileSync } from "node:fs";
import { runMain } from "@gembatch/core/entry";
import { commands } from "./registry.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

await runMain({
  name: "gembatch",
  version,
  description:
    "Hand code work to Google Gemini in bulk: scan for problems, write issue reports, send one request per file, " +
    "extract and apply complete fixed files with verification, and submit JSONL batches to the Batch API resumably. " +
    "Every command takes flags, or one JSON argument ('{...}', @args.json, or - for stdin). With --json, or when given a JSON argument, " +
    "it prints exactly one JSON result on stdout; otherwise a short summary. Logs, warnings and progress go to stderr.",
  examples: ["gembatch doctor", "gembatch costs --json", "gembatch <command> --help", "gembatch help submit"],
  commands,
});

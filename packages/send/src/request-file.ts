import type { BuiltRequest } from "./prompt.js";

interface RequestHeader {
  file: string;
  model: string;
  sha256: string;
  fence: string;
  via: "sync" | "batch";
  part?: number;
  /** The cache a request refers to, and what it holds (written out so the file shows everything the model saw). */
  cache?: { name: string; systemInstruction: string; contents: string[] };
}

function section(label: string, text: string): string {
  return `<!-- ${label} -->\n${text}`;
}

/**
 * `request_<n>_<stem>.md`: a comment header with the settings, then every text the request carried,
 * byte for byte, each after a marker line naming where it went (system instruction, cached content,
 * or a turn of the conversation).
 */
export function renderRequestFile(request: BuiltRequest, header: RequestHeader): string {
  const { config } = request;
  const lines = [
    "<!-- gembatch send request",
    `file_to_fix: ${header.file}`,
    `model: ${header.model}`,
    `via: ${header.via}`,
    `max_output_tokens: ${config.maxOutputTokens ?? "(model default)"}`,
    `temperature: ${config.temperature ?? "(model default)"}`,
    `thinking: ${config.thinkingConfig?.thinkingLevel ?? (config.thinkingConfig?.thinkingBudget !== undefined ? `budget ${config.thinkingConfig.thinkingBudget}` : "(model default)")}`,
    `cached_content: ${header.cache?.name ?? "(none)"}`,
    `sha256_sent: ${header.sha256}`,
    `fence: ${header.fence}`,
    ...(header.part && header.part > 1 ? [`part: ${header.part} (continuation)`] : []),
    "-->",
    "",
  ];
  const sections: string[] = [];
  if (header.cache) {
    sections.push(section(`CACHED SYSTEM_INSTRUCTION (${header.cache.name})`, header.cache.systemInstruction));
    header.cache.contents.forEach((text, i) =>
      sections.push(section(`CACHED CONTENT ${i + 1} role=user (${header.cache!.name})`, text)),
    );
  }
  if (typeof config.systemInstruction === "string")
    sections.push(section("SYSTEM_INSTRUCTION", config.systemInstruction));
  request.contents.forEach((content, turn) => {
    (content.parts ?? []).forEach((part, i) => {
      sections.push(section(`CONTENT turn=${turn + 1} role=${content.role ?? "user"} part=${i + 1}`, part.text ?? ""));
    });
  });
  return `${lines.join("\n")}${sections.join("\n")}`;
}

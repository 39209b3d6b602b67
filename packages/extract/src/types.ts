/** Why a block (or a whole reply) was not extracted. Stable: callers branch on these. */
export const RefusalCodes = [
  "no_markers",
  "no_end_marker",
  "marker_mismatch",
  "ambiguous_fence",
  "truncated",
  "elided",
  "empty",
  "no_path",
  "absolute_path",
  "outside_project",
  "unsafe_path",
  "not_requested",
  "conflicting_blocks",
  "missing_file",
  "nul_byte",
  "control_character",
  "invalid_utf8",
  "bidi_control",
  "shebang_changed",
  "secret_placeholder",
  "write_failed",
] as const;

export type RefusalCode = (typeof RefusalCodes)[number];

export interface Refusal {
  /** Project-relative path, or null when the reply never named one. */
  path: string | null;
  code: RefusalCode;
  /** One human sentence; never file contents beyond a short quoted line. */
  reason: string;
  /** 1-based line in the reply where the block starts (or the offending line). */
  line?: number;
  hint?: string;
}

export interface ExtractedBlock {
  /** Project-relative, normalised with forward slashes. */
  path: string;
  /** The complete file: LF line endings, every line terminated (see README "Byte-exactness"). */
  content: string;
  lines: number;
  sha256: string;
  /** Language tag of the opening fence, if any. */
  language?: string;
  /** 1-based line of the START marker in the reply. */
  line: number;
}

export interface ExtractTextResult {
  blocks: ExtractedBlock[];
  refused: Refusal[];
  warnings: string[];
}

export interface ExtractTextOptions {
  /** Path used for a block whose markers name none (the request's focus file). */
  focusFile?: string;
  /** When set, any other path is refused as not_requested, and each one missing is refused as missing_file. */
  requested?: readonly string[];
  /** Refuse each requested path the reply has no block for, as missing_file (default true). */
  reportMissing?: boolean;
  /** The model's finish reason; anything but STOP (or unknown) refuses the whole reply. */
  finishReason?: string | null;
  /** The sender's own truncation verdict. */
  truncated?: boolean;
  /** The fence the sender asked for, to warn when the model used a shorter one. */
  expectedFence?: string;
  /** Names an extracted file may not take (the extraction context files). */
  reservedPaths?: readonly string[];
}

export interface FileFormat {
  eol: "\n" | "\r\n";
  finalNewline: boolean;
  bom: boolean;
}

/** The fixed lines of the report format (seed-compatible), shared by the writer and the parser. */
export const TITLE_PREFIX = "# Issue Report: ";
export const CONTEXT_HEADING = "## Context";
export const FILES_HEADING = "## Files to Fix";
export const DETAILS_HEADING = "## Issue Details";
export const ALL_CONTEXT_HEADING = "## All Context Files (For Reference)";
export const DEFAULT_STATUS = "BLOCKED - Issues need fixing";

export const startMarker = (file: string) => `<!-- CODE_CONTEXT_START: ${file} -->`;
export const endMarker = (file: string) => `<!-- CODE_CONTEXT_END: ${file} -->`;
/**
 * Written after the closing fence when the file does not end with a newline: the fenced body
 * always ends with one (the closing fence needs its own line), and this says it was added.
 */
export const NO_FINAL_NEWLINE = "<!-- CODE_CONTEXT_NO_FINAL_NEWLINE -->";

export const CONTEXT_FIELDS = { project: "Project", task: "Task", status: "Status" } as const;

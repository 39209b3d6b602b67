import { endMarker, startMarker } from "./prompt.js";

interface ReplyAssessment {
  success: boolean;
  truncated: boolean;
  error: string | null;
}

const CUT_OFF = new Set(["MAX_TOKENS"]);

/**
 * A reply succeeds only when the model stopped on its own (STOP) and the END marker for the file
 * arrived; MAX_TOKENS is truncation; anything else (SAFETY, RECITATION, a blocked prompt…) fails with
 * its reason.
 */
export function assessReply(reply: { text: string; finishReason: string | null; file: string }): ReplyAssessment {
  const { text, finishReason, file } = reply;
  if (finishReason !== null && CUT_OFF.has(finishReason)) {
    return { success: false, truncated: true, error: "truncated: the reply hit the output token limit (MAX_TOKENS)" };
  }
  if (finishReason !== "STOP") {
    const reason = finishReason ?? "no finish reason";
    return { success: false, truncated: false, error: `the model did not finish the reply (${reason})` };
  }
  const start = text.indexOf(startMarker(file));
  if (start < 0) return { success: false, truncated: false, error: `the reply has no ${startMarker(file)} marker` };
  if (text.indexOf(endMarker(file), start) < 0) {
    return {
      success: false,
      truncated: false,
      error: `the reply has no ${endMarker(file)} marker after its start marker`,
    };
  }
  return { success: true, truncated: false, error: null };
}

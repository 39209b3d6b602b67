/**
 * A deterministic, conservative token estimate for budgeting before a call: about four characters a
 * token for code and English (Gemini's tokenizer averages a little above that), never zero for text.
 * The real count comes back in usageMetadata and is what cost is computed from.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.ceil(text.length / 4);
}

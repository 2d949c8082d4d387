/** A provider-independent token estimate (about four characters a token) for budgets and windows. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

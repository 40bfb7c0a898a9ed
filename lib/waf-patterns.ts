/**
 * A regular expression that matches the decimal integers greater than
 * `limit` (leading zeros allowed), and nothing else.
 *
 * AWS WAF cannot compare a header's value as a number and sees at most 64 KB
 * of a body, so a rule against bodies over Lambda's 6 MB reads the
 * Content-Length header with this pattern. Written for WAF's regex dialect
 * (PCRE without capturing groups, lookaround or backreferences).
 */
export function integerAbovePattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`integerAbovePattern: ${limit} is not a whole number ≥ 0`);
  const digits = String(limit);
  // Any number with more digits than the limit (its first digit not a zero).
  const branches = [`[1-9][0-9]{${digits.length},}`];
  // The same number of digits: equal up to position i, then a greater digit there.
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    if (digit === 9) continue;
    const rest = digits.length - i - 1;
    const greater = digit === 8 ? '9' : `[${digit + 1}-9]`;
    branches.push(`${digits.slice(0, i)}${greater}${rest > 0 ? `[0-9]{${rest}}` : ''}`);
  }
  return `^0*(?:${branches.join('|')})$`;
}

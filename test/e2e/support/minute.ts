/**
 * Waits, if need be, for the next calendar minute, so that at least `needMs`
 * of it are left: the per-minute limits (a tenant's requests, a download
 * link's) count by calendar minute, and a burst that straddles two minutes
 * would be counted in both.
 */
export async function roomInTheMinute(needMs = 10_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

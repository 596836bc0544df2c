// Retry timing, the PWA's port of sync.rules.backoff: exponential with full jitter, so the
// devices that failed together (a server restart, a network coming back) do not return in step.

/**
 * Seconds to wait before retry number `attempt` (0 for the first): drawn uniformly from
 * [0, min(cap, base * 2 ** attempt)).
 */
export function backoff(
  attempt: number,
  {
    base = 1,
    cap = 300,
    random = Math.random,
  }: { base?: number; cap?: number; random?: () => number } = {},
): number {
  if (attempt < 0 || base <= 0 || cap < 0) throw new RangeError('attempt >= 0, base > 0, cap >= 0');
  const ceiling = Math.min(cap, base * 2 ** attempt); // 2 ** large is Infinity: the cap holds
  return random() * ceiling;
}

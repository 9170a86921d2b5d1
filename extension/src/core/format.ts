/**
 * Numbers in words for the user, shared by every view that shows them (the
 * chat's usage line, the Operations view, the status bar). Pure and free of
 * imports so the smallest bundle may use it.
 */

/** e.g. "999", "1.1k", "12.3k", "1.25M". */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${trimZero((count / 1000).toFixed(1))}k`;
  return `${trimZero((count / 1_000_000).toFixed(2))}M`;
}

function trimZero(fixed: string): string {
  return fixed.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

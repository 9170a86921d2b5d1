/**
 * Markdown for chat messages. Finished messages never change, so each is
 * rendered once and its HTML kept by id (bounded: a long scroll through a
 * 10,000-message transcript must not keep every message's HTML alive).
 * The streaming message is re-rendered at most once per frame by its caller.
 */
import type { MarkdownToHtml } from './lazyMarkdown';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Closes a code fence the stream has opened but not yet closed, so the
 * partial block renders as code rather than swallowing what follows into
 * stray paragraphs once the closing fence arrives.
 */
export function closeOpenFence(markdown: string): string {
  let open: string | null = null;
  for (const line of markdown.split('\n')) {
    const match = FENCE.exec(line);
    if (!match) continue;
    const marker = match[1]!;
    if (open === null) open = marker;
    // A closing fence uses the same character, at least as many, and nothing after it.
    else if (marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = null;
  }
  if (open === null) return markdown;
  return `${markdown}${markdown.endsWith('\n') ? '' : '\n'}${open}`;
}

const MAX_CACHED = 1000;
const cache = new Map<string, string>();

/** HTML for a finished message, rendered on first sight and cached by id (and length, should a message ever be replaced). */
export function renderFinished(id: string, markdown: string, toHtml: MarkdownToHtml): string {
  const key = `${id}:${markdown.length}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Map order is insertion order: re-inserting makes this the most recently used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = toHtml(markdown);
  cache.set(key, html);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return html;
}

/** For tests: how many rendered messages are kept. */
export function cachedMessageCount(): number {
  return cache.size;
}

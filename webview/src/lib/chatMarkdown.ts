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

/**
 * Where the settled part of a streaming message ends: just after its last
 * blank line outside a code fence. Blocks before it will not change as more
 * text arrives, so they are rendered once per paragraph rather than once per
 * frame, and each frame renders only the paragraph being written.
 * (A list or quote split by a blank line renders as two while streaming; the
 * final message is rendered whole.)
 */
export function settledLength(markdown: string): number {
  let open: string | null = null;
  let settled = 0;
  let lineStart = 0;
  let previousBlank = false;
  while (lineStart <= markdown.length) {
    const newline = markdown.indexOf('\n', lineStart);
    if (newline === -1) break;
    const line = markdown.slice(lineStart, newline);
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      if (open === null) open = marker;
      else if (marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = null;
    }
    const blank = open === null && line.trim() === '';
    if (blank && !previousBlank) settled = newline + 1;
    previousBlank = blank;
    lineStart = newline + 1;
  }
  return settled;
}

/** The longest unsettled paragraph still rendered as Markdown on every frame while streaming. */
export const TAIL_MARKDOWN_LIMIT = 4000;

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

/**
 * Bytes of a fetched page or stylesheet to text. The charset comes from the
 * Content-Type header, then from the document itself (`<meta charset>`, the
 * http-equiv form, or CSS `@charset`), then UTF-8 — the order browsers use,
 * minus their statistical guessing. A byte-order mark wins over all of them.
 */
import { TextDecoder } from 'node:util';
import type { ResourceKind } from './urlFetcher';

/** How far into an HTML document browsers look for a `<meta charset>`. */
const META_SNIFF_BYTES = 1024;

export function decodeBody(body: Uint8Array, contentType: string, kind: ResourceKind): string {
  const label = bomCharset(body) ?? headerCharset(contentType) ?? documentCharset(body, kind) ?? 'utf-8';
  return decoderFor(label).decode(body);
}

function bomCharset(body: Uint8Array): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return null;
}

export function headerCharset(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match ? match[1]!.toLowerCase() : null;
}

function documentCharset(body: Uint8Array, kind: ResourceKind): string | null {
  // latin1 maps every byte to one character, so ASCII markup reads the same whatever the real charset.
  const head = new TextDecoder('latin1').decode(body.subarray(0, META_SNIFF_BYTES));
  if (kind === 'css') {
    const match = /^@charset\s+"([^"]+)"\s*;/i.exec(head);
    return match ? match[1]!.toLowerCase() : null;
  }
  const meta = /<meta\s[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta ? meta[1]!.toLowerCase() : null;
}

/** A decoder for the label, or UTF-8 when this runtime does not know it (Node built without full ICU). */
function decoderFor(label: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

/**
 * Shared types of design references: what fetching a URL gives the Architect
 * (a digest) and how it fails (a ReferenceError with a reason a caller can
 * branch on and a message a user can read).
 */
import type { DesignTokens } from '../../core/design/designTokens';

export type { ColorToken, DesignTokens, SizeToken, TypographyToken } from '../../core/design/designTokens';

/** What one fetched reference page gives the Architect. */
export interface ReferenceDigest {
  /** The URL as given, parsed, without `user:password@`. */
  url: string;
  /** Where the page was found after redirects (also without credentials). */
  finalUrl: string;
  title: string | null;
  /**
   * What the Architect reads: an automatic digest of the title, the outline of
   * headings and landmarks, the palette with counts, fonts, spacing and radius
   * scales and notable CSS custom properties. Compact (at most ~6 KB).
   */
  text: string;
  tokens: DesignTokens;
  /** Set when the page was too large or complex to analyse fully: the line (also in `text`) that says so, for the user. */
  incomplete?: string;
}

/** Bounds on one reference fetch; every stylesheet and redirect counts against the same time budget. */
export interface FetchLimits {
  /** Bytes of the HTML body; past it the fetch fails with 'too-large'. */
  maxHtmlBytes: number;
  /** Bytes of one linked stylesheet; a larger one is skipped and noted. */
  maxCssBytes: number;
  /** Linked stylesheets fetched at most; later ones are ignored. */
  maxStylesheets: number;
  /** Redirects followed at most, each one checked like the first URL. */
  maxRedirects: number;
  /** Milliseconds for the whole reference: page, redirects and stylesheets. */
  timeoutMs: number;
}

export const DEFAULT_FETCH_LIMITS: Readonly<FetchLimits> = Object.freeze({
  maxHtmlBytes: 2 * 1024 * 1024,
  maxCssBytes: 512 * 1024,
  maxStylesheets: 4,
  maxRedirects: 5,
  timeoutMs: 10_000,
});

export type ReferenceErrorReason =
  | 'scheme'
  | 'private-address'
  | 'dns'
  | 'too-large'
  | 'timeout'
  | 'http-status'
  | 'content-type'
  | 'redirects'
  | 'network';

/**
 * A reference that could not be fetched; the message names the URL (without
 * credentials) and the reason in words: "https://x.test/: refused — it
 * resolves to 10.0.0.5, a private-network address".
 */
export class ReferenceError extends Error {
  // Not 'ReferenceError': in a log that would read as JavaScript's own error for an undefined variable.
  override readonly name = 'DesignReferenceError';
  constructor(
    readonly url: string,
    readonly reason: ReferenceErrorReason,
    detail: string,
  ) {
    super(`${url}: ${detail}`);
  }
}

/** One resolved address, as `dns.lookup(host, { all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetchReferenceOptions {
  signal?: AbortSignal;
  limits?: Partial<FetchLimits>;
  /** Injectable DNS (tests); defaults to the system resolver. */
  lookup?: HostLookup;
  /**
   * TESTS ONLY: replaces the private-network policy so a loopback test server
   * can be reached. The product never sets it.
   */
  allowAddress?: (address: string) => boolean;
}

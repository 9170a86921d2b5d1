/**
 * Design tokens found in a reference (a web page's HTML and CSS) and how they
 * join a blueprint's design system. The shapes are the blueprint's own token
 * types, so a digest's tokens can be merged without translation.
 */
import type { Sections } from './blueprint';

type DesignSystem = Sections['designSystem'];
export type ColorToken = DesignSystem['colors'][number];
export type TypographyToken = DesignSystem['typography'][number];
export type SizeToken = DesignSystem['spacing'][number];

export interface DesignTokens {
  colors: ColorToken[];
  typography: TypographyToken[];
  spacing: SizeToken[];
  radius: SizeToken[];
}

export function emptyDesignTokens(): DesignTokens {
  return { colors: [], typography: [], spacing: [], radius: [] };
}

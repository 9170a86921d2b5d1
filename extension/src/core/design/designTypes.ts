/**
 * The design digest's shared shapes, types only: a page's CSS usage
 * statistics (counted by `designStats.ts`) and the design tokens chosen from
 * them (`designTokens.ts`), which are the blueprint's own design-system
 * entries. Kept apart so the statistics, the tokens and the digest can share
 * them without importing each other in a cycle.
 */
import type { Sections } from '../blueprint/blueprint';

/** Where a colour is used: `text` is `color`, `background` any background, `border` borders and outlines. */
export type ColorContext = 'text' | 'background' | 'border' | 'other';
export type FontRole = 'heading' | 'body' | 'mono' | 'other';

export interface ColorUse {
  /** Normalized: `#rrggbb`, `#rrggbbaa`, `rgba(r, g, b, a)` for translucent rgb/hsl, other colour spaces as written. */
  value: string;
  count: number;
  contexts: Record<ColorContext, number>;
  /** Uses in rules for `html`, `body` or `:root` — the page's own background and text. */
  pageContexts: Record<ColorContext, number>;
  /** Custom properties whose value is this colour (`--brand-blue`). */
  propertyNames: string[];
}

export interface FontUse {
  /** The stack as written, quotes removed: `Inter, system-ui, sans-serif`. */
  family: string;
  count: number;
  roles: Record<FontRole, number>;
}

export interface CountedValue {
  value: string;
  count: number;
}

export interface CustomProperty {
  name: string;
  value: string;
  /** `var(--name)` uses in the page's CSS. */
  uses: number;
}

export interface DesignStats {
  colors: ColorUse[];
  fonts: FontUse[];
  fontSizes: Record<FontRole, CountedValue[]>;
  fontWeights: Record<FontRole, CountedValue[]>;
  spacing: CountedValue[];
  radius: CountedValue[];
  customProperties: CustomProperty[];
  /** Families declared by `@font-face`. */
  webFonts: string[];
}

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

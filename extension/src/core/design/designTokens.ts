/**
 * Design tokens: the blueprint's own token shapes, how they are chosen from a
 * reference page's CSS usage statistics, and how they join a blueprint's
 * design system without overwriting what the Architect or the user wrote.
 */
import type { Sections } from '../blueprint/blueprint';
import type { ColorUse, CountedValue, DesignStats, FontRole, FontUse } from './designDigest';

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

// ---- CSS colour values --------------------------------------------------------

/** Common CSS named colours; a name counts as a colour only where a colour property expects one. */
const NAMED_COLORS: Record<string, string> = Object.fromEntries(
  ('white:fff black:000 red:f00 green:008000 blue:00f gray:808080 grey:808080 silver:c0c0c0 navy:000080 teal:008080 ' +
    'orange:ffa500 purple:800080 yellow:ff0 maroon:800000 olive:808000 lime:0f0 aqua:0ff cyan:0ff fuchsia:f0f magenta:f0f ' +
    'pink:ffc0cb gold:ffd700 indigo:4b0082 violet:ee82ee brown:a52a2a beige:f5f5dc ivory:fffff0 coral:ff7f50 crimson:dc143c ' +
    'salmon:fa8072 tomato:ff6347 khaki:f0e68c lavender:e6e6fa plum:dda0dd orchid:da70d6 tan:d2b48c turquoise:40e0d0 ' +
    'whitesmoke:f5f5f5 gainsboro:dcdcdc lightgray:d3d3d3 lightgrey:d3d3d3 darkgray:a9a9a9 darkgrey:a9a9a9 dimgray:696969 ' +
    'slategray:708090 steelblue:4682b4 royalblue:4169e1 dodgerblue:1e90ff skyblue:87ceeb midnightblue:191970 darkblue:00008b ' +
    'darkgreen:006400 forestgreen:228b22 seagreen:2e8b57 darkred:8b0000 firebrick:b22222 goldenrod:daa520 chocolate:d2691e ' +
    'sienna:a0522d rebeccapurple:663399 aliceblue:f0f8ff ghostwhite:f8f8ff snow:fffafa linen:faf0e6 mintcream:f5fffa')
    .split(' ')
    .map((pair) => pair.split(':') as [string, string])
    .map(([name, hex]) => [name, normalizeHex(hex)!]),
);

const COLOR_LITERAL = /#([0-9a-f]{3,8})\b|\b(rgba?|hsla?|hwb|oklch|oklab|lab|lch|color)\(([^()]*)\)|\b([a-z]+)\b/gi;
const COLOR_LITERAL_UNNAMED = /#([0-9a-f]{3,8})\b|\b(rgba?|hsla?|hwb|oklch|oklab|lab|lch|color)\(([^()]*)\)/gi;

/**
 * Colour values in a CSS value, normalized: `#rrggbb`, `#rrggbbaa` (hex with
 * alpha), `rgba(r, g, b, a)` for translucent rgb/hsl, other colour spaces as
 * written. Fully transparent colours are left out; names only when allowed.
 */
export function cssColorsIn(value: string, allowNamed: boolean): string[] {
  const colors: string[] = [];
  // Most values hold no colour: skip them before any regex work (a big page has tens of thousands).
  if (!allowNamed && !value.includes('#') && !value.includes('(')) return colors;
  const withoutUrls = value.includes('(') ? value.replace(/url\((?:[^()]|\([^()]*\))*\)/gi, ' ') : value;
  for (const match of withoutUrls.matchAll(allowNamed ? COLOR_LITERAL : COLOR_LITERAL_UNNAMED)) {
    const [, hex, fn, args, word] = match;
    const color =
      hex !== undefined ? normalizeHex(hex) : fn !== undefined ? normalizeColorFunction(fn.toLowerCase(), args!) : allowNamed ? (NAMED_COLORS[word!.toLowerCase()] ?? null) : null;
    if (color !== null) colors.push(color);
  }
  return colors;
}

const COLOR_FUNCTION_PART = /^(-?\d*\.?\d+(%|deg|turn|rad)?|none|srgb|srgb-linear|display-p3|a98-rgb|prophoto-rgb|rec2020|xyz|xyz-d50|xyz-d65)$/i;

function normalizeHex(hex: string): string | null {
  if (![3, 4, 6, 8].includes(hex.length)) return null;
  const full = (hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex).toLowerCase();
  if (full.length === 8 && full.endsWith('ff')) return `#${full.slice(0, 6)}`;
  if (full.length === 8 && full.endsWith('00')) return null;
  return `#${full}`;
}

function normalizeColorFunction(fn: string, args: string): string | null {
  const parts = args.trim().split(/[\s,/]+/).filter((p) => p !== '');
  if (fn.startsWith('rgb') || fn.startsWith('hsl')) {
    if (parts.length < 3 || parts.some((p) => !/^-?\d*\.?\d+(%|deg|turn|rad)?$/.test(p))) return null;
    const alpha = parts[3] === undefined ? 1 : fraction(parts[3], 1);
    if (alpha <= 0) return null;
    const [r, g, b] = fn.startsWith('rgb')
      ? parts.slice(0, 3).map((p) => clampByte(p.endsWith('%') ? parseFloat(p) * 2.55 : parseFloat(p)))
      : hslToRgb(hue(parts[0]!), fraction(parts[1]!, 100), fraction(parts[2]!, 100));
    if (alpha >= 1) return `#${[r!, g!, b!].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    return `rgba(${r}, ${g}, ${b}, ${+alpha.toFixed(3)})`;
  }
  // Other colour spaces are kept as written, when every part is a number or a colour-space name.
  const plausible = parts.length >= 3 && parts.length <= 5 && parts.every((p) => COLOR_FUNCTION_PART.test(p));
  return plausible ? `${fn}(${parts.join(' ')})` : null;
}

/** A percentage or a plain number (on a scale where `plainMax` means 100%) as 0…1. */
function fraction(part: string, plainMax: number): number {
  const n = parseFloat(part);
  return Math.min(1, Math.max(0, part.endsWith('%') ? n / 100 : n / plainMax));
}

function hue(part: string): number {
  const n = parseFloat(part);
  const degrees = part.endsWith('turn') ? n * 360 : part.endsWith('rad') ? (n * 180) / Math.PI : n;
  return ((degrees % 360) + 360) % 360;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    return clampByte(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

function clampByte(n: number): number {
  return Math.round(Math.min(255, Math.max(0, n)));
}

/** Saturation and lightness (0…1) of an opaque `#rrggbb`, or null for anything else. */
export function hexSaturationLightness(value: string): { saturation: number; lightness: number } | null {
  if (!/^#[0-9a-f]{6}$/.test(value)) return null;
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const lightness = (max + min) / 2;
  const saturation = max === min ? 0 : (max - min) / (1 - Math.abs(2 * lightness - 1));
  return { saturation, lightness };
}

// ---- choosing tokens from usage -------------------------------------------------

const MAX_COLORS = 8;
const MAX_SPACING = 8;
const MAX_RADIUS = 5;
const MAX_STACK_FAMILIES = 4;

/**
 * Tokens a page's CSS suggests: its background and text colours (from the
 * `html`/`body`/`:root` rules first), its most used saturated colour as
 * primary, then the most used others; heading, body and mono font stacks;
 * the most used spacing and radius steps as ascending scales. Colours defined
 * by a custom property take its name (`--brand-blue` -> `brand-blue`).
 */
export function chooseDesignTokens(stats: DesignStats): DesignTokens {
  return {
    colors: chooseColors(stats.colors.filter((c) => c.count > 0)),
    typography: chooseTypography(stats),
    spacing: scale(stats.spacing, MAX_SPACING, 'space'),
    radius: scale(stats.radius, MAX_RADIUS, 'radius'),
  };
}

function chooseColors(uses: readonly ColorUse[]): ColorToken[] {
  const tokens: ColorToken[] = [];
  const taken = new Set<ColorUse>();
  const names = new Set<string>();
  const take = (use: ColorUse | undefined, role: string) => {
    if (!use || taken.has(use)) return;
    taken.add(use);
    let name = use.propertyNames[0]?.replace(/^--/, '') ?? role;
    for (let n = 2; names.has(name); n++) name = `${role}-${n}`;
    names.add(name);
    tokens.push({ name, value: use.value, role });
  };
  const free = () => uses.filter((u) => !taken.has(u));
  const mostBy = (score: (u: ColorUse) => number) => free().filter((u) => score(u) > 0).sort((a, b) => score(b) - score(a))[0];
  take(mostBy((u) => u.pageContexts.background) ?? mostBy((u) => u.contexts.background), 'background');
  take(mostBy((u) => u.pageContexts.text) ?? mostBy((u) => u.contexts.text), 'text');
  take(mostBy((u) => (isVivid(u.value) ? u.count : 0)), 'primary');
  // Translucent overlays and tints are page detail, not palette.
  for (const use of free().filter((u) => u.value.startsWith('#') && u.value.length === 7)) {
    if (tokens.length >= MAX_COLORS) break;
    take(use, secondaryRole(use));
  }
  return tokens;
}

function isVivid(value: string): boolean {
  const hsl = hexSaturationLightness(value);
  return hsl !== null && hsl.saturation >= 0.3 && hsl.lightness > 0.15 && hsl.lightness < 0.85;
}

function secondaryRole(use: ColorUse): string {
  const { text, background, border } = use.contexts;
  if (border > text && border > background) return 'border';
  if (isVivid(use.value)) return 'accent';
  if (background >= text && background > 0) return 'surface';
  return 'muted';
}

function chooseTypography(stats: DesignStats): TypographyToken[] {
  const tokens: TypographyToken[] = [];
  const byRole = (role: FontRole) => stats.fonts.filter((f) => f.roles[role] > 0).sort((a, b) => b.roles[role] - a.roles[role])[0];
  const body = byRole('body') ?? stats.fonts[0];
  const heading = byRole('heading');
  const mono = byRole('mono');
  const push = (role: FontRole, font: FontUse | undefined, size: string | undefined) => {
    if (!font) return;
    const token: TypographyToken = { role, family: shortStack(font.family) };
    if (size) token.size = size;
    const weight = stats.fontWeights[role][0]?.value;
    if (weight) token.weight = weight;
    tokens.push(token);
  };
  push('heading', heading, largest(stats.fontSizes.heading));
  push('body', body, stats.fontSizes.body[0]?.value);
  if (mono && mono !== body) push('mono', mono, stats.fontSizes.mono[0]?.value);
  return tokens;
}

function shortStack(family: string): string {
  return family.split(', ').slice(0, MAX_STACK_FAMILIES).join(', ');
}

/** The most used values, then sorted by size: `space-1` is the smallest. Pill radii (≥ 999px, 50%) are named `full`. */
function scale(counts: readonly CountedValue[], max: number, prefix: string): SizeToken[] {
  const chosen = counts.slice(0, max).map((c) => c.value);
  chosen.sort((a, b) => approximatePixels(a) - approximatePixels(b));
  const tokens: SizeToken[] = [];
  for (const value of chosen) {
    const isFull = prefix === 'radius' && (value === '50%' || approximatePixels(value) >= 999);
    tokens.push({ name: isFull ? 'full' : `${prefix}-${tokens.length + 1}`, value });
  }
  // Two pill values would both be 'full'; keep the first.
  return tokens.filter((t, i) => t.name !== 'full' || tokens.findIndex((o) => o.name === 'full') === i);
}

function largest(values: readonly CountedValue[]): string | undefined {
  return [...values].sort((a, b) => approximatePixels(b.value) - approximatePixels(a.value))[0]?.value;
}

/** For ordering only: rem and em as 16px, percentages after every length. */
function approximatePixels(value: string): number {
  const n = parseFloat(value);
  if (value.endsWith('%')) return 100_000 + n;
  return value.endsWith('rem') || value.endsWith('em') ? n * 16 : n;
}

// ---- merging into a blueprint -------------------------------------------------

/**
 * Adds the tokens the design system does not have yet — a colour whose name
 * and value are new and whose role it does not fill, a typography role that
 * is missing, a spacing or radius step whose name and value are new — and appends the inspiration note
 * once. Nothing already there is changed. The status moves from 'empty' to
 * 'partial' when something was added; any other status stays.
 */
export function mergeDesignTokens(designSystem: DesignSystem, tokens: DesignTokens, inspirationNote?: string): DesignSystem {
  const colors = [...designSystem.colors];
  // A role the design system already fills (its 'primary') is not filled twice; roles that
  // repeat within one reference ('border', 'border-2') all come in.
  const filledRoles = designSystem.colors.flatMap((c) => (c.role === undefined ? [] : [c.role]));
  for (const token of tokens.colors) {
    const clash =
      colors.some((c) => same(c.name, token.name) || same(c.value, token.value)) ||
      (token.role !== undefined && filledRoles.some((role) => same(role, token.role!)));
    if (!clash) colors.push({ ...token });
  }
  const typography = [...designSystem.typography];
  for (const token of tokens.typography) {
    if (!typography.some((t) => same(t.role, token.role))) typography.push({ ...token });
  }
  const spacing = mergeSizes(designSystem.spacing, tokens.spacing);
  const radius = mergeSizes(designSystem.radius, tokens.radius);
  const note = inspirationNote?.trim() ?? '';
  const notes = designSystem.inspirationNotes;
  const inspirationNotes = note === '' || notes.includes(note) ? notes : notes.trim() === '' ? note : `${notes.trimEnd()}\n${note}`;
  const added =
    colors.length !== designSystem.colors.length ||
    typography.length !== designSystem.typography.length ||
    spacing.length !== designSystem.spacing.length ||
    radius.length !== designSystem.radius.length ||
    inspirationNotes !== notes;
  if (!added) return designSystem;
  const status = designSystem.status === 'empty' ? 'partial' : designSystem.status;
  return { ...designSystem, status, colors, typography, spacing, radius, inspirationNotes };
}

function mergeSizes(existing: readonly SizeToken[], incoming: readonly SizeToken[]): SizeToken[] {
  const merged = [...existing];
  for (const token of incoming) {
    if (!merged.some((s) => same(s.name, token.name) || same(s.value, token.value))) merged.push({ ...token });
  }
  return merged;
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Design tokens: how they are chosen from a reference page's CSS usage
 * statistics, and how they join a blueprint's design system without
 * overwriting what the Architect or the user wrote. Their shapes (the
 * blueprint's own) are in `designTypes.ts`, re-exported here for callers.
 */
import type { Sections } from '../blueprint/blueprint';
import { hexSaturationLightness } from './cssColors';
import type { ColorToken, ColorUse, CountedValue, DesignStats, DesignTokens, FontRole, FontUse, SizeToken, TypographyToken } from './designTypes';

export type { ColorToken, DesignTokens, SizeToken, TypographyToken } from './designTypes';

type DesignSystem = Sections['designSystem'];

export function emptyDesignTokens(): DesignTokens {
  return { colors: [], typography: [], spacing: [], radius: [] };
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
  const mostBy = (score: (u: ColorUse) => number) => firstHighest(free(), score);
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

/**
 * The first of `uses` with the highest positive score — what a stable sort by
 * score would put first, in one pass (a page can have tens of thousands of colours).
 */
function firstHighest(uses: readonly ColorUse[], score: (u: ColorUse) => number): ColorUse | undefined {
  let best: ColorUse | undefined;
  let bestScore = 0;
  for (const use of uses) {
    const s = score(use);
    if (s > bestScore) {
      best = use;
      bestScore = s;
    }
  }
  return best;
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

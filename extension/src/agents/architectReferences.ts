/**
 * After an Architect turn, the host makes sure what the developer attached is
 * recorded in the blueprint, whatever the model did: each URL and image joins
 * `references.items`, and a reference's design tokens join
 * `sections.designSystem` when the Architect took none of them in.
 *
 * "None of them" is the test because taking some tokens is a decision (the
 * Architect kept the palette and dropped the fonts, as the developer asked);
 * taking none is more often an omission, and tokens the developer can delete
 * are better than tokens lost. Merged tokens are marked in `inspirationNotes`
 * and leave the section at least `partial`, so nobody builds on them unread.
 * Pure and deterministic: same inputs, same blueprint.
 */
import type { Blueprint } from '../core/blueprint';
import type { DesignTokens } from '../core/designTokens';
import type { ArchitectImage } from './architectContext';
import type { ReferenceDigest } from './references/referenceTypes';

type DesignSystem = Blueprint['sections']['designSystem'];

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether any of the digest's tokens is already in the design system (colors and sizes by value, fonts by family). */
export function takesAnyToken(ds: DesignSystem, tokens: DesignTokens): boolean {
  return (
    tokens.colors.some((t) => ds.colors.some((c) => same(c.value, t.value))) ||
    tokens.typography.some((t) => ds.typography.some((f) => same(f.family, t.family))) ||
    tokens.spacing.some((t) => ds.spacing.some((s) => same(s.value, t.value))) ||
    tokens.radius.some((t) => ds.radius.some((r) => same(r.value, t.value)))
  );
}

function tokenCount(tokens: DesignTokens): number {
  return tokens.colors.length + tokens.typography.length + tokens.spacing.length + tokens.radius.length;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** Appends `additions` whose key is new; a name already used gets the source's host appended so both stay distinguishable. */
function mergeNamed<T extends { name: string; value: string }>(existing: T[], additions: T[], source: string): T[] {
  const out = [...existing];
  for (const token of additions) {
    if (out.some((t) => same(t.value, token.value) && same(t.name, token.name))) continue;
    const name = out.some((t) => same(t.name, token.name)) ? `${token.name} (${source})` : token.name;
    out.push({ ...token, name });
  }
  return out;
}

export function mergeTokensInto(ds: DesignSystem, tokens: DesignTokens, url: string): DesignSystem {
  const source = hostOf(url);
  const typography = [...ds.typography];
  for (const t of tokens.typography) {
    if (!typography.some((f) => same(f.role, t.role) && same(f.family, t.family))) typography.push({ ...t });
  }
  const note = `Tokens from ${url} were added by Orchard from the reference; confirm or adjust them.`;
  return {
    ...ds,
    status: ds.status === 'empty' ? 'partial' : ds.status,
    colors: mergeNamed(ds.colors, tokens.colors, source),
    typography,
    spacing: mergeNamed(ds.spacing, tokens.spacing, source),
    radius: mergeNamed(ds.radius, tokens.radius, source),
    inspirationNotes: ds.inspirationNotes.trim() === '' ? note : `${ds.inspirationNotes.trimEnd()}\n${note}`,
  };
}

/** The blueprint with the turn's references recorded; the same object when nothing was missing. */
export function recordReferences(bp: Blueprint, references: readonly ReferenceDigest[], images: readonly ArchitectImage[]): Blueprint {
  let designSystem = bp.sections.designSystem;
  const items = [...bp.references.items];
  for (const digest of references) {
    if (tokenCount(digest.tokens) > 0 && !takesAnyToken(designSystem, digest.tokens)) designSystem = mergeTokensInto(designSystem, digest.tokens, digest.url);
    if (!items.some((i) => i.kind === 'url' && i.source === digest.url)) {
      items.push({ kind: 'url', source: digest.url, ...(digest.title ? { title: digest.title } : {}) });
    }
  }
  for (const image of images) {
    if (!items.some((i) => i.kind === 'image' && i.source === image.name)) items.push({ kind: 'image', source: image.name });
  }
  if (designSystem === bp.sections.designSystem && items.length === bp.references.items.length) return bp;
  return { ...bp, sections: { ...bp.sections, designSystem }, references: { ...bp.references, items } };
}

/**
 * After an Architect turn, the host makes sure what the developer attached is
 * recorded in the blueprint, whatever the model did: each URL and image joins
 * `references.items`, and a reference's design tokens join
 * `sections.designSystem` when the Architect took none of them in.
 *
 * "None of them" is the test because taking some tokens is a decision (the
 * Architect kept the palette and dropped the fonts, as the developer asked);
 * taking none is more often an omission, and tokens the developer can delete
 * are better than tokens lost. The merge (`mergeDesignTokens`) adds only what
 * does not clash with a token already there, marks the tokens in
 * `inspirationNotes` and leaves the section at least `partial`, so nobody
 * builds on them unread.
 * Pure and deterministic: same inputs, same blueprint.
 */
import type { Blueprint } from '../../core/blueprint/blueprint';
import { mergeDesignTokens, type DesignTokens } from '../../core/design/designTokens';
import type { ArchitectImage } from './architectContext';
import type { ReferenceDigest } from '../references/referenceTypes';

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

/** The note that marks merged tokens, so the developer and the Architect know to review them. */
export function mergedTokensNote(url: string): string {
  return `Tokens from ${url} were added by Orchard from the reference; confirm or adjust them.`;
}

/** The blueprint with the turn's references recorded; the same object when nothing was missing. */
export function recordReferences(bp: Blueprint, references: readonly ReferenceDigest[], images: readonly ArchitectImage[]): Blueprint {
  let designSystem = bp.sections.designSystem;
  const items = [...bp.references.items];
  for (const digest of references) {
    if (tokenCount(digest.tokens) > 0 && !takesAnyToken(designSystem, digest.tokens)) designSystem = mergeDesignTokens(designSystem, digest.tokens, mergedTokensNote(digest.url));
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

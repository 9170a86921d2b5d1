/**
 * Whether a blueprint is complete enough to build, decided by the host and
 * never by the model: the Architect may only *wish* for `readyToBuild`, and
 * these rules gate that wish.
 *
 * The rules, kept simple enough to state in the Architect's prompt:
 *
 * - The summary says what the feature is (not blank).
 * - Data model, API endpoints and UI components are the sections every
 *   feature must decide, so each must be `complete`. A feature that needs
 *   none of a section (a pure-frontend feature has no endpoints) marks it
 *   `complete` with no items and says why in the section's `notes`
 *   ("Not needed: the list is client-side only"). A complete section that
 *   lists nothing and gives no reason reads as forgotten, so it is refused.
 *   `partial` is refused because by definition decisions remain.
 * - Dependencies and the design system are optional: `empty` means the
 *   feature adds none, `complete` means they are decided; `partial` says a
 *   decision is still open, so it is refused too.
 * - No open question is marked blocking, and no blocker remains.
 *
 * `canBuild` (what the Build button and the Build command check) applies the
 * same rules to the file as it is, so a hand edit that sets `readyToBuild`
 * cannot outweigh an empty section or an open blocker. The lifecycle `status` (draft,
 * building…) is not the Architect's concern and plays no part here.
 */
import { SECTION_TITLES, type Blueprint, type SectionKey } from './blueprint';

/** Sections every feature must settle before it can be built. */
export const REQUIRED_SECTIONS: readonly SectionKey[] = ['dataModel', 'apiEndpoints', 'uiComponents'];
/** Sections a feature may leave empty (it adds none). */
export const OPTIONAL_SECTIONS: readonly SectionKey[] = ['dependencies', 'designSystem'];

function itemCount(bp: Blueprint, key: SectionKey): number {
  const s = bp.sections;
  switch (key) {
    case 'dataModel':
      return s.dataModel.entities.length;
    case 'apiEndpoints':
      return s.apiEndpoints.endpoints.length;
    case 'uiComponents':
      return s.uiComponents.components.length;
    case 'dependencies':
      return s.dependencies.packages.length;
    case 'designSystem': {
      const d = s.designSystem;
      return d.colors.length + d.typography.length + d.spacing.length + d.radius.length;
    }
  }
}

function reasonGiven(bp: Blueprint, key: SectionKey): boolean {
  const notes = key === 'designSystem' ? bp.sections.designSystem.inspirationNotes : bp.sections[key].notes;
  return (notes ?? '').trim() !== '';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why the blueprint cannot be built, one sentence each; empty when it can. */
export function readinessProblems(bp: Blueprint): string[] {
  const problems: string[] = [];
  if (bp.summary.trim() === '') problems.push('Summary is empty');

  for (const key of REQUIRED_SECTIONS) {
    const title = SECTION_TITLES[key];
    const status = bp.sections[key].status;
    if (status === 'empty') problems.push(`${title} is empty`);
    else if (status === 'partial') problems.push(`${title} is only partial`);
    else if (itemCount(bp, key) === 0 && !reasonGiven(bp, key)) {
      problems.push(`${title} is marked complete but lists nothing and its notes do not say why it is not needed`);
    }
  }
  for (const key of OPTIONAL_SECTIONS) {
    if (bp.sections[key].status === 'partial') problems.push(`${SECTION_TITLES[key]} is only partial`);
  }

  const blocking = bp.openQuestions.filter((q) => q.blocking).length;
  if (blocking > 0) problems.push(`${plural(blocking, 'blocking question is', 'blocking questions are')} open`);
  for (const blocker of bp.blockers) problems.push(`Blocker: ${blocker}`);
  return problems;
}

/**
 * The blueprint with `readyToBuild` decided by the host: the model's wish,
 * granted only when nothing above stands in the way. A blueprint that is
 * complete but not wished ready stays not ready: the Architect suggests
 * building, the developer decides.
 */
export function withComputedReadiness(bp: Blueprint, modelWantsReady: boolean): Blueprint {
  return { ...bp, readyToBuild: modelWantsReady && readinessProblems(bp).length === 0 };
}

/**
 * Whether the Build button may be offered. `readyToBuild` is a claim (by the
 * Architect or a hand edit); it counts only while the rules above still hold
 * for the file as it is now.
 */
export function canBuild(bp: Blueprint): boolean {
  return bp.readyToBuild && readinessProblems(bp).length === 0;
}

/**
 * Short human lines about a blueprint for the Plan pane: how much each
 * section holds, and why the Build button is not offered. Kept pure so the
 * wording can be tested without rendering.
 */
import type { Blueprint, SectionKey } from '../../../extension/src/core/blueprint/blueprint';
import { canBuild, readinessProblems } from '../../../extension/src/core/blueprint/readiness';

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** e.g. "3 entities, 12 fields"; "Nothing yet" when the section is empty. */
export function sectionCountLine(bp: Blueprint, key: SectionKey): string {
  const s = bp.sections;
  const parts: string[] = [];
  const add = (count: number, one: string, many?: string) => {
    if (count > 0) parts.push(plural(count, one, many));
  };
  switch (key) {
    case 'dataModel':
      add(s.dataModel.entities.length, 'entity', 'entities');
      add(
        s.dataModel.entities.reduce((n, e) => n + e.fields.length, 0),
        'field',
      );
      break;
    case 'apiEndpoints':
      add(s.apiEndpoints.endpoints.length, 'endpoint');
      break;
    case 'uiComponents':
      add(s.uiComponents.components.length, 'component');
      break;
    case 'dependencies':
      add(s.dependencies.packages.length, 'package');
      break;
    case 'designSystem': {
      const d = s.designSystem;
      add(d.colors.length, 'color');
      add(d.typography.length, 'type style');
      add(d.spacing.length, 'spacing token');
      add(d.radius.length, 'radius token');
      break;
    }
  }
  return parts.length > 0 ? parts.join(', ') : 'Nothing yet';
}

/**
 * Why `canBuild` says no, in the order a user would fix things (the readiness
 * rules' own sentences); undefined when the blueprint can be built.
 */
export function buildBlockedReason(bp: Blueprint): string | undefined {
  if (canBuild(bp)) return undefined;
  // The rules' sentences may end with a blocker's own full stop; joined with '; ' they read as one line.
  const reasons = readinessProblems(bp).map((r) => r.replace(/[.\s]+$/, ''));
  if (!bp.readyToBuild) reasons.push(reasons.length === 0 ? 'the Architect has not marked it ready' : 'not marked ready');
  return `Not ready: ${reasons.join('; ')}`;
}

/** "line 12:5", "line 12", or undefined when the host gave no position. */
export function problemPosition(line?: number, column?: number): string | undefined {
  if (line === undefined) return undefined;
  return column === undefined ? `line ${line}` : `line ${line}:${column}`;
}

/**
 * `update_blueprint`, the Architect's only way to change the plan.
 *
 * Its input is the blueprint's own schema with every top-level field and every
 * section optional: what the model sends replaces the current value, what it
 * leaves out is kept. A whole-blueprint input would be simpler to state, but a
 * model that sends only the section it changed would then silently empty the
 * others (the schema's defaults fill them); keeping omitted fields makes that
 * mistake harmless. Lists are replaced whole, so `"openQuestions": []` clears
 * them.
 *
 * The host owns two fields: `status` (the lifecycle) is kept as it is, and
 * `readyToBuild` is the model's wish, granted only by the readiness rules.
 */
import * as z from 'zod/mini';
import '../../core/zodLocale';
import { Blueprint } from '../../core/blueprint/blueprint';
import { problemsFromZod } from '../../core/blueprint/blueprintFile';
import { readinessProblems, withComputedReadiness } from '../../core/blueprint/readiness';
import { ToolInputError, type AgentTool } from '../loop/tools';

export const UPDATE_BLUEPRINT_TOOL = 'update_blueprint';
/** Rejected calls the model may repair before the turn fails (so three rejections end it). */
export const BLUEPRINT_REPAIR_RETRIES = 2;

type Sections = Blueprint['sections'];
export type BlueprintUpdate = { [K in Exclude<keyof Blueprint, 'sections'>]?: Blueprint[K] } & { sections?: Partial<Sections> };

/** The schema without its default, so that an omitted field stays omitted instead of becoming empty. */
function withoutDefault(schema: z.ZodMiniType): z.ZodMiniType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodMiniType };
  return def.type === 'default' && def.innerType ? def.innerType : schema;
}

function optionalShape(shape: Record<string, z.ZodMiniType>, override: Record<string, z.ZodMiniType> = {}) {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, z.optional(override[key] ?? withoutDefault(schema))]));
}

const sectionsSchema = withoutDefault(Blueprint.shape.sections) as unknown as { shape: Record<string, z.ZodMiniType> };

export const BlueprintUpdateSchema = z.strictObject(
  optionalShape(Blueprint.shape as unknown as Record<string, z.ZodMiniType>, {
    sections: z.strictObject(optionalShape(sectionsSchema.shape)),
  }),
) as unknown as z.ZodMiniType<BlueprintUpdate, unknown>;

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type AppliedUpdate = { ok: true; blueprint: Blueprint; notes: string[] } | { ok: false; problems: string[] };

/** The current blueprint with the update applied and the host's rules enforced. Pure. */
export function applyBlueprintUpdate(current: Blueprint, update: BlueprintUpdate): AppliedUpdate {
  const { sections, status, $schema: _ignored, ...rest } = update;
  const merged = { ...current, ...defined(rest), sections: { ...current.sections, ...defined(sections ?? {}) }, status: current.status };
  const parsed = Blueprint.safeParse(merged);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error).map((p) => `${p.path}: ${p.message}`) };
  const wantsReady = update.readyToBuild ?? current.readyToBuild;
  const blueprint = withComputedReadiness(parsed.data, wantsReady);
  const notes: string[] = [];
  if (status !== undefined && status !== current.status) notes.push(`status stays "${current.status}": the host owns it, not the Architect.`);
  return { ok: true, blueprint, notes };
}

/** What the model reads after an accepted update: the readiness verdict it cannot set itself. */
export function updateResultText(blueprint: Blueprint, wantedReady: boolean, notes: string[]): string {
  const problems = readinessProblems(blueprint);
  const lines = ['The blueprint was updated.'];
  if (blueprint.readyToBuild) lines.push('readyToBuild: true. The plan can be built; suggest building to the developer.');
  else if (problems.length === 0) lines.push('readyToBuild: false. Nothing stands in the way; set readyToBuild to true when you and the developer agree the plan is complete.');
  else {
    lines.push(`readyToBuild: false${wantedReady ? ' (your request was refused by the host rules)' : ''}. What stands in the way:`);
    lines.push(...problems.map((p) => `- ${p}`));
  }
  lines.push(...notes);
  return lines.join('\n');
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function rejectedThreeTimesMessage(attempts: number, problems: string[]): string {
  const times = attempts === 1 ? 'once' : `${NUMBER_WORDS[attempts] ?? attempts} times`;
  return `The Architect's blueprint update was rejected ${times}: ${problems.join('; ')}. The blueprint is unchanged.`;
}

/** Holds the turn's state: the blueprint each update starts from, and the last accepted one. */
export class BlueprintDraft {
  accepted: Blueprint | null = null;
  constructor(readonly original: Blueprint) {}
  get current(): Blueprint {
    return this.accepted ?? this.original;
  }
}

export function updateBlueprintTool(draft: BlueprintDraft): AgentTool<BlueprintUpdate> {
  return {
    name: UPDATE_BLUEPRINT_TOOL,
    description:
      'Change the blueprint. Send the fields you change: each top-level field and each section you include replaces the current one whole ' +
      '(lists included, so send the full list), and whatever you leave out stays as it is. `status` is kept by the host. ' +
      '`readyToBuild` is a request: the host grants it only when the data model, API endpoints and UI components are complete, ' +
      'no section is partial, no open question is blocking and no blocker remains. The result says what still stands in the way.',
    input: BlueprintUpdateSchema,
    effect: 'write',
    activity: 'Updating the blueprint…',
    maxRetries: BLUEPRINT_REPAIR_RETRIES,
    rejectedTooOften: rejectedThreeTimesMessage,
    async run(update) {
      const applied = applyBlueprintUpdate(draft.current, update);
      if (!applied.ok) throw new ToolInputError(applied.problems);
      draft.accepted = applied.blueprint;
      return updateResultText(applied.blueprint, update.readyToBuild === true, applied.notes);
    },
  };
}

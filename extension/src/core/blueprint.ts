/**
 * The blueprint: the Architect's structured plan for one feature, stored as
 * `.orchard/blueprints/<slug>.json`. Shape follows the Orchard roadmap seed.
 *
 * Objects are strict so that a typo in a hand-edited file ("assumtions") is
 * reported with its path instead of being silently dropped. Lists default to
 * empty so a minimal file (just a feature name) is already a valid draft.
 */
import * as z from 'zod';

export const SectionStatus = z.enum(['empty', 'partial', 'complete']);
export type SectionStatus = z.infer<typeof SectionStatus>;

export const BlueprintStatus = z.enum(['draft', 'building', 'built', 'archived']);
export type BlueprintStatus = z.infer<typeof BlueprintStatus>;

const text = z.string().trim().min(1, 'must not be empty');
const status = SectionStatus.default('empty');
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

export const Field = z.strictObject({
  name: text,
  type: text,
  required: z.boolean().optional(),
  description: z.string().optional(),
});

export const Entity = z.strictObject({
  name: text,
  description: z.string().optional(),
  fields: list(Field),
});

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export const Endpoint = z.strictObject({
  method: HttpMethod,
  path: text,
  description: z.string().optional(),
  request: z.string().optional(),
  response: z.string().optional(),
});

export const UiComponent = z.strictObject({
  name: text,
  description: z.string().optional(),
  children: list(z.string()),
});

export const DependencyItem = z.strictObject({
  name: text,
  version: z.string().optional(),
  reason: z.string().optional(),
});

export const ColorToken = z.strictObject({ name: text, value: text, role: z.string().optional() });
export const TypographyToken = z.strictObject({
  role: text,
  family: text,
  size: z.string().optional(),
  weight: z.string().optional(),
});
export const SizeToken = z.strictObject({ name: text, value: text });

export const Sections = z.strictObject({
  dataModel: z.strictObject({ status, notes: z.string().optional(), entities: list(Entity) }).default({ status: 'empty', entities: [] }),
  apiEndpoints: z.strictObject({ status, notes: z.string().optional(), endpoints: list(Endpoint) }).default({ status: 'empty', endpoints: [] }),
  uiComponents: z.strictObject({ status, notes: z.string().optional(), components: list(UiComponent) }).default({ status: 'empty', components: [] }),
  dependencies: z.strictObject({ status, notes: z.string().optional(), packages: list(DependencyItem) }).default({ status: 'empty', packages: [] }),
  designSystem: z
    .strictObject({
      status,
      colors: list(ColorToken),
      typography: list(TypographyToken),
      spacing: list(SizeToken),
      radius: list(SizeToken),
      inspirationNotes: z.string().default(''),
    })
    .default({ status: 'empty', colors: [], typography: [], spacing: [], radius: [], inspirationNotes: '' }),
});
export type Sections = z.infer<typeof Sections>;
export type SectionKey = keyof Sections;

export const SECTION_TITLES: Record<SectionKey, string> = {
  dataModel: 'Data model',
  apiEndpoints: 'API endpoints',
  uiComponents: 'UI components',
  dependencies: 'Dependencies',
  designSystem: 'Design system',
};
export const SECTION_KEYS = Object.keys(SECTION_TITLES) as SectionKey[];

export const Reference = z.strictObject({
  kind: z.enum(['url', 'image']),
  /** An http(s) URL, or a workspace-relative path for images. */
  source: text,
  title: z.string().optional(),
  notes: z.string().optional(),
});

export const OpenQuestion = z.strictObject({
  question: text,
  /** A blocking question must be answered before the blueprint can be built. */
  blocking: z.boolean().default(false),
  context: z.string().optional(),
});

export const Assumption = z.strictObject({
  statement: text,
  confidence: z.enum(['low', 'medium', 'high']).default('medium'),
});

export const Blueprint = z.strictObject({
  $schema: z.string().optional(),
  featureName: text,
  summary: z.string().default(''),
  status: BlueprintStatus.default('draft'),
  sections: Sections.default(Sections.parse({})),
  references: z.strictObject({ items: list(Reference) }).default({ items: [] }),
  openQuestions: list(OpenQuestion),
  assumptions: list(Assumption),
  readyToBuild: z.boolean().default(false),
  blockers: list(text),
});
export type Blueprint = z.infer<typeof Blueprint>;
/** What a file may contain: defaults not yet applied. */
export type BlueprintInput = z.input<typeof Blueprint>;

/**
 * Whether the Build button may be offered. `readyToBuild` is a claim (by the
 * Architect or a hand edit); it does not outweigh open blockers or blocking
 * questions that are still in the file.
 */
export function canBuild(bp: Blueprint): boolean {
  return bp.readyToBuild && bp.blockers.length === 0 && !bp.openQuestions.some((q) => q.blocking);
}

/** A file-name-safe slug for a feature name: lowercase ascii words joined by '-'. */
export function slugify(featureName: string): string {
  const slug = featureName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'blueprint';
}

/**
 * A blueprint's slug is its file name without `.json`. It also names a git ref
 * (`refs/orchard/blueprints/<slug>`), so it is kept to characters that are
 * safe in both.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;
export const MAX_SLUG_LENGTH = 80;

export function isValidSlug(slug: string): boolean {
  return slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug) && !slug.endsWith('.lock');
}

/** A new draft blueprint, as the "New blueprint" form creates it. */
export function newBlueprint(featureName: string, summary: string): Blueprint {
  return Blueprint.parse({ featureName, summary });
}

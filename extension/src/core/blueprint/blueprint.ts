/**
 * The blueprint: the Architect's structured plan for one feature, stored as
 * `.orchard/blueprints/<slug>.json`. Shape follows the Orchard roadmap seed.
 *
 * Objects are strict so that a typo in a hand-edited file ("assumtions") is
 * reported with its path instead of being silently dropped. Lists default to
 * empty so a minimal file (just a feature name) is already a valid draft.
 */
import * as z from 'zod/mini';
import '../zodLocale';

export const SectionStatus = z.enum(['empty', 'partial', 'complete']);
export type SectionStatus = z.infer<typeof SectionStatus>;

export const BlueprintStatus = z.enum(['draft', 'building', 'built', 'archived']);
export type BlueprintStatus = z.infer<typeof BlueprintStatus>;

const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'));
const optionalText = z.optional(z.string());
const status = z._default(SectionStatus, 'empty');
const list = <T extends z.ZodMiniType>(item: T) => z._default(z.array(item), []);

export const Field = z.strictObject({
  name: text,
  type: text,
  required: z.optional(z.boolean()),
  description: optionalText,
});

export const Entity = z.strictObject({
  name: text,
  description: optionalText,
  fields: list(Field),
});

export const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export const Endpoint = z.strictObject({
  method: HttpMethod,
  path: text,
  description: optionalText,
  request: optionalText,
  response: optionalText,
});

export const UiComponent = z.strictObject({
  name: text,
  description: optionalText,
  children: list(z.string()),
});

export const DependencyItem = z.strictObject({
  name: text,
  version: optionalText,
  reason: optionalText,
});

export const ColorToken = z.strictObject({ name: text, value: text, role: optionalText });
export const TypographyToken = z.strictObject({
  role: text,
  family: text,
  size: optionalText,
  weight: optionalText,
});
export const SizeToken = z.strictObject({ name: text, value: text });

export const Sections = z.strictObject({
  dataModel: z._default(z.strictObject({ status, notes: optionalText, entities: list(Entity) }), { status: 'empty', entities: [] }),
  apiEndpoints: z._default(z.strictObject({ status, notes: optionalText, endpoints: list(Endpoint) }), { status: 'empty', endpoints: [] }),
  uiComponents: z._default(z.strictObject({ status, notes: optionalText, components: list(UiComponent) }), { status: 'empty', components: [] }),
  dependencies: z._default(z.strictObject({ status, notes: optionalText, packages: list(DependencyItem) }), { status: 'empty', packages: [] }),
  designSystem: z._default(
    z.strictObject({
      status,
      colors: list(ColorToken),
      typography: list(TypographyToken),
      spacing: list(SizeToken),
      radius: list(SizeToken),
      inspirationNotes: z._default(z.string(), ''),
    }),
    { status: 'empty', colors: [], typography: [], spacing: [], radius: [], inspirationNotes: '' },
  ),
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
  title: optionalText,
  notes: optionalText,
});

export const OpenQuestion = z.strictObject({
  question: text,
  /** A blocking question must be answered before the blueprint can be built. */
  blocking: z._default(z.boolean(), false),
  context: optionalText,
});

export const Assumption = z.strictObject({
  statement: text,
  confidence: z._default(z.enum(['low', 'medium', 'high']), 'medium'),
});

export const Blueprint = z.strictObject({
  $schema: optionalText,
  featureName: text,
  summary: z._default(z.string(), ''),
  status: z._default(BlueprintStatus, 'draft'),
  sections: z._default(Sections, () => Sections.parse({})),
  references: z._default(z.strictObject({ items: list(Reference) }), { items: [] }),
  openQuestions: list(OpenQuestion),
  assumptions: list(Assumption),
  readyToBuild: z._default(z.boolean(), false),
  blockers: list(text),
});
export type Blueprint = z.infer<typeof Blueprint>;
/** What a file may contain: defaults not yet applied. */
export type BlueprintInput = z.input<typeof Blueprint>;

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

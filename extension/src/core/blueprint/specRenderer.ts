/**
 * Blueprint -> spec Markdown: the document the Preview pane shows and the
 * build hands to the executor agent. Pure and deterministic.
 *
 * Text from the blueprint is user or model content: it is escaped so that it
 * renders as text and cannot open raw HTML or break a table.
 */
import { SECTION_KEYS, SECTION_TITLES, type Blueprint, type SectionKey } from './blueprint';
import { canBuild } from './readiness';

/** Escape inline text for Markdown: HTML brackets, and characters that start emphasis, links or code. */
export function escapeInline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#])/g, '\\$1')
    // A leading '-', '+' or '1.' would turn a paragraph into a list.
    .replace(/^([-+]|\d+\.)(\s)/, (_m, marker: string, space: string) => `${marker.replace(/([-+.])/, '\\$1')}${space}`);
}

function cell(text: string | undefined): string {
  return text && text.trim() !== '' ? escapeInline(text) : '—';
}

function table(headers: string[], rows: Array<Array<string | undefined>>): string[] {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function sectionBody(bp: Blueprint, key: SectionKey): string[] {
  const s = bp.sections;
  switch (key) {
    case 'dataModel':
      return s.dataModel.entities.flatMap((e) => [
        `#### ${escapeInline(e.name)}`,
        ...(e.description ? ['', escapeInline(e.description)] : []),
        '',
        ...(e.fields.length > 0
          ? table(['Field', 'Type', 'Required', 'Description'], e.fields.map((f) => [f.name, f.type, f.required ? 'yes' : 'no', f.description]))
          : ['_No fields yet._']),
        '',
      ]);
    case 'apiEndpoints':
      return s.apiEndpoints.endpoints.length === 0
        ? []
        : [
            ...table(
              ['Method', 'Path', 'Description', 'Request', 'Response'],
              s.apiEndpoints.endpoints.map((e) => [e.method, e.path, e.description, e.request, e.response]),
            ),
            '',
          ];
    case 'uiComponents':
      return s.uiComponents.components.flatMap((c) => [
        `- **${escapeInline(c.name)}**${c.description ? ` — ${escapeInline(c.description)}` : ''}`,
        ...(c.children.length > 0 ? [`  - contains: ${c.children.map(escapeInline).join(', ')}`] : []),
      ]).concat(s.uiComponents.components.length > 0 ? [''] : []);
    case 'dependencies':
      return s.dependencies.packages.length === 0
        ? []
        : [...table(['Package', 'Version', 'Why'], s.dependencies.packages.map((p) => [p.name, p.version, p.reason])), ''];
    case 'designSystem': {
      const d = s.designSystem;
      const out: string[] = [];
      if (d.colors.length > 0) out.push('**Colors**', '', ...table(['Name', 'Value', 'Role'], d.colors.map((c) => [c.name, c.value, c.role])), '');
      if (d.typography.length > 0)
        out.push('**Typography**', '', ...table(['Role', 'Family', 'Size', 'Weight'], d.typography.map((t) => [t.role, t.family, t.size, t.weight])), '');
      if (d.spacing.length > 0) out.push(`**Spacing:** ${d.spacing.map((t) => `${escapeInline(t.name)} ${escapeInline(t.value)}`).join(', ')}`, '');
      if (d.radius.length > 0) out.push(`**Radius:** ${d.radius.map((t) => `${escapeInline(t.name)} ${escapeInline(t.value)}`).join(', ')}`, '');
      if (d.inspirationNotes.trim() !== '') out.push(`**Inspiration:** ${escapeInline(d.inspirationNotes)}`, '');
      return out;
    }
  }
}

function sectionNotes(bp: Blueprint, key: SectionKey): string | undefined {
  const section = bp.sections[key];
  return 'notes' in section ? section.notes : undefined;
}

export function renderSpec(bp: Blueprint): string {
  const lines: string[] = [`# ${escapeInline(bp.featureName)}`, ''];
  if (bp.summary.trim() !== '') lines.push(escapeInline(bp.summary), '');
  lines.push(`**Status:** ${bp.status} · **Ready to build:** ${canBuild(bp) ? 'yes' : 'no'}`, '');

  for (const key of SECTION_KEYS) {
    lines.push(`## ${SECTION_TITLES[key]} (${bp.sections[key].status})`, '');
    const notes = sectionNotes(bp, key);
    if (notes && notes.trim() !== '') lines.push(escapeInline(notes), '');
    const body = sectionBody(bp, key);
    lines.push(...(body.length > 0 ? body : ['_Not specified yet._', '']));
  }

  if (bp.references.items.length > 0) {
    lines.push('## References', '');
    for (const r of bp.references.items) {
      const label = escapeInline(r.title ?? r.source);
      lines.push(`- ${r.kind === 'url' ? label + ` (${escapeInline(r.source)})` : `image: ${label}`}${r.notes ? ` — ${escapeInline(r.notes)}` : ''}`);
    }
    lines.push('');
  }
  if (bp.openQuestions.length > 0) {
    lines.push('## Open questions', '');
    for (const q of bp.openQuestions) lines.push(`- ${q.blocking ? '**[blocking]** ' : ''}${escapeInline(q.question)}`);
    lines.push('');
  }
  if (bp.assumptions.length > 0) {
    lines.push('## Assumptions', '');
    for (const a of bp.assumptions) lines.push(`- ${escapeInline(a.statement)} _(confidence: ${a.confidence})_`);
    lines.push('');
  }
  if (bp.blockers.length > 0) {
    lines.push('## Blockers', '');
    for (const b of bp.blockers) lines.push(`- ${escapeInline(b)}`);
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

import { describe, expect, it } from 'vitest';
import { Blueprint } from '../../../extension/src/core/blueprint/blueprint';
import { escapeInline, renderSpec } from '../../../extension/src/core/blueprint/specRenderer';

const full = Blueprint.parse({
  featureName: 'Todo sharing',
  summary: 'Share lists with friends',
  sections: {
    dataModel: { status: 'complete', entities: [{ name: 'List', description: 'A todo list', fields: [{ name: 'id', type: 'uuid', required: true }] }] },
    apiEndpoints: { status: 'partial', endpoints: [{ method: 'POST', path: '/lists/{id}/share', description: 'Invite by email' }] },
    uiComponents: { status: 'partial', components: [{ name: 'ShareDialog', description: 'Invite form', children: ['EmailInput'] }] },
    dependencies: { status: 'empty' },
    designSystem: { status: 'partial', colors: [{ name: 'primary', value: '#3b82f6' }], spacing: [{ name: 'md', value: '16px' }], inspirationNotes: 'Calm' },
  },
  openQuestions: [{ question: 'Who can reshare?', blocking: true }],
  assumptions: [{ statement: 'Email invites only', confidence: 'high' }],
  blockers: ['Auth is not decided'],
});

describe('renderSpec', () => {
  const md = renderSpec(full);
  it('has the title, summary and every section with its status', () => {
    expect(md.startsWith('# Todo sharing\n')).toBe(true);
    expect(md).toContain('Share lists with friends');
    for (const heading of ['## Data model (complete)', '## API endpoints (partial)', '## UI components (partial)', '## Dependencies (empty)', '## Design system (partial)'])
      expect(md).toContain(heading);
  });
  it('renders section content', () => {
    expect(md).toContain('#### List');
    expect(md).toContain('| id | uuid | yes | — |');
    expect(md).toContain('| POST | /lists/{id}/share | Invite by email | — | — |');
    expect(md).toContain('- **ShareDialog** — Invite form');
    expect(md).toContain('| primary | \\#3b82f6 | — |');
    expect(md).toContain('**Spacing:** md 16px');
    expect(md).toMatch(/## Dependencies \(empty\)\n\n_Not specified yet._/);
  });
  it('lists questions, assumptions and blockers, and says it is not ready', () => {
    expect(md).toContain('- **[blocking]** Who can reshare?');
    expect(md).toContain('- Email invites only _(confidence: high)_');
    expect(md).toContain('## Blockers\n\n- Auth is not decided');
    expect(md).toContain('**Ready to build:** no');
  });
  it('is deterministic', () => {
    expect(renderSpec(full)).toBe(md);
  });
});

describe('escapeInline', () => {
  it('neutralises HTML and Markdown syntax', () => {
    expect(escapeInline('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeInline('a|b *c* [d](e)')).toBe('a\\|b \\*c\\* \\[d\\](e)');
    expect(escapeInline('- not a list')).toBe('\\- not a list');
    expect(escapeInline('1. not a list')).toBe('1\\. not a list');
    expect(escapeInline('two\nlines')).toBe('two lines');
  });
  it('keeps a table intact when a cell holds a pipe', () => {
    const bp = Blueprint.parse({ featureName: 'x', sections: { dependencies: { status: 'partial', packages: [{ name: 'a|b' }] } } });
    expect(renderSpec(bp)).toContain('| a\\|b | — | — |');
  });
});

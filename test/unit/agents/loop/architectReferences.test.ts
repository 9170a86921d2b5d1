import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArchitectTurn } from '../../../../extension/src/agents/architect/architect';
import { recordReferences, takesAnyToken } from '../../../../extension/src/agents/architect/architectReferences';
import type { ReferenceDigest } from '../../../../extension/src/agents/references/referenceTypes';
import { Blueprint } from '../../../../extension/src/core/blueprint/blueprint';
import { emptyDesignTokens, type DesignTokens } from '../../../../extension/src/core/design/designTokens';
import { completeBlueprint } from './blueprintFixtures';
import { ScriptedProvider, text, toolCall } from './scriptedProvider';

const tokens: DesignTokens = {
  colors: [
    { name: 'primary', value: '#0055ff', role: 'primary' },
    { name: 'background', value: '#ffffff', role: 'background' },
  ],
  typography: [{ role: 'body', family: 'Inter', size: '16px' }],
  spacing: [{ name: 'md', value: '16px' }],
  radius: [{ name: 'card', value: '8px' }],
};
const digest = (url: string, t: DesignTokens = tokens): ReferenceDigest => ({ url, finalUrl: url, title: 'Stripe', text: 'A pricing page.', tokens: t });
const draft = () => Blueprint.parse({ featureName: 'Pricing', summary: 'A pricing page.' });

describe('recordReferences', () => {
  it('merges the tokens of a reference the design system took none of, and records the URL', () => {
    const out = recordReferences(draft(), [digest('https://stripe.com/pricing')], []);
    const ds = out.sections.designSystem;
    expect(ds.status).toBe('partial');
    expect(ds.colors.map((c) => c.value)).toEqual(['#0055ff', '#ffffff']);
    expect(ds.typography).toEqual(tokens.typography);
    expect(ds.spacing).toEqual(tokens.spacing);
    expect(ds.radius).toEqual(tokens.radius);
    expect(ds.inspirationNotes).toContain('https://stripe.com/pricing');
    expect(out.references.items).toEqual([{ kind: 'url', source: 'https://stripe.com/pricing', title: 'Stripe' }]);
  });

  it('leaves the design system alone when the Architect took some of the tokens', () => {
    const bp = Blueprint.parse({ ...draft(), sections: { designSystem: { status: 'complete', colors: [{ name: 'brand', value: '#0055FF' }] } } });
    expect(takesAnyToken(bp.sections.designSystem, tokens)).toBe(true);
    const out = recordReferences(bp, [digest('https://stripe.com')], []);
    expect(out.sections.designSystem).toBe(bp.sections.designSystem);
    expect(out.references.items).toHaveLength(1);
  });

  it('is deterministic and idempotent: a second pass changes nothing', () => {
    const once = recordReferences(draft(), [digest('https://a.example'), digest('https://b.example')], []);
    expect(recordReferences(draft(), [digest('https://a.example'), digest('https://b.example')], [])).toEqual(once);
    expect(recordReferences(once, [digest('https://a.example'), digest('https://b.example')], [])).toBe(once);
  });

  it('records images by their stored path and skips references already listed', () => {
    const bp = Blueprint.parse({ ...draft(), references: { items: [{ kind: 'url', source: 'https://a.example', title: 'Mine' }] } });
    const out = recordReferences(bp, [digest('https://a.example', emptyDesignTokens())], [{ name: '.orchard/references/pricing/mock-1.png', mediaType: 'image/png', base64: '' }]);
    expect(out.references.items).toEqual([
      { kind: 'url', source: 'https://a.example', title: 'Mine' },
      { kind: 'image', source: '.orchard/references/pricing/mock-1.png' },
    ]);
    expect(out.sections.designSystem).toBe(bp.sections.designSystem);
  });

  it('returns the same object when there is nothing to record', () => {
    const bp = draft();
    expect(recordReferences(bp, [], [])).toBe(bp);
  });
});

describe('runArchitectTurn with references', () => {
  const run = async (steps: ConstructorParameters<typeof ScriptedProvider>[0], blueprint: Blueprint) => {
    const workspace = mkdtempSync(path.join(tmpdir(), 'orchard-refs-'));
    try {
      const provider = new ScriptedProvider(steps);
      const result = await runArchitectTurn({
        provider,
        model: 'claude-test',
        blueprint,
        history: [],
        userText: 'Like this page.',
        images: [],
        references: [digest('https://stripe.com/pricing')],
        workspaceRoot: workspace,
        trusted: true,
        budgetTokens: Infinity,
        signal: new AbortController().signal,
        onEvent: () => {},
      });
      return { provider, result };
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  };

  it('shows the digest to the model and merges its tokens when the Architect did not take them', async () => {
    const { provider, result } = await run([toolCall('update_blueprint', { summary: 'Pricing like Stripe.' }), text('Noted.')], draft());
    const sent = JSON.stringify(provider.requests[0]?.messages[0]?.content);
    expect(sent).toContain('## Design reference: https://stripe.com/pricing');
    expect(sent).toContain('colors: primary #0055ff, background #ffffff');
    expect(result.blueprint?.summary).toBe('Pricing like Stripe.');
    expect(result.blueprint?.sections.designSystem.colors).toHaveLength(2);
  });

  it('takes a ready blueprint out of readiness when merged tokens make the design system partial', async () => {
    const ready = { ...completeBlueprint(), readyToBuild: true };
    const { result } = await run([text('Nice page.')], ready);
    expect(result.blueprint?.sections.designSystem.status).toBe('partial');
    expect(result.blueprint?.readyToBuild).toBe(false);
  });
});

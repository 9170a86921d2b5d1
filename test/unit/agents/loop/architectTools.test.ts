import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBlueprintUpdate, BlueprintDraft, updateBlueprintTool, type BlueprintUpdate } from '../../../../extension/src/agents/architect/architectTools';
import { toolSpec } from '../../../../extension/src/agents/loop/tools';
import { Blueprint, SECTION_KEYS } from '../../../../extension/src/core/blueprint/blueprint';
import { readinessProblems } from '../../../../extension/src/core/blueprint/readiness';
import { completeBlueprint } from './blueprintFixtures';

describe('update_blueprint declaration', () => {
  const schema = toolSpec(updateBlueprintTool(new BlueprintDraft(completeBlueprint()))).inputSchema as {
    properties: Record<string, { properties?: Record<string, unknown> }>;
    required?: string[];
  };

  it('declares every field and section of the blueprint schema, none of them required', () => {
    // A field added to the blueprint must reach the model, or it could never set it.
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(Blueprint.shape).sort());
    expect(Object.keys(schema.properties.sections?.properties ?? {}).sort()).toEqual([...SECTION_KEYS].sort());
    expect(schema.required ?? []).toEqual([]);
  });
});

describe('applyBlueprintUpdate', () => {
  const status = fc.constantFrom('empty', 'partial', 'complete');
  const name = fc.constantFrom('List', 'Item', 'User');
  const update: fc.Arbitrary<BlueprintUpdate> = fc.record(
    {
      summary: fc.constantFrom('', 'Share lists.'),
      status: fc.constantFrom('draft', 'building', 'built', 'archived'),
      readyToBuild: fc.boolean(),
      blockers: fc.array(fc.constantFrom('No auth API'), { maxLength: 1 }),
      openQuestions: fc.array(fc.record({ question: fc.constant('Public?'), blocking: fc.boolean() }), { maxLength: 2 }),
      sections: fc.record(
        {
          dataModel: fc.record({ status, entities: fc.array(fc.record({ name, fields: fc.constant([]) }), { maxLength: 2 }) }),
          apiEndpoints: fc.record({ status, endpoints: fc.constant([]), notes: fc.constantFrom(undefined, 'Not needed: client only') }),
          designSystem: fc.record({ status, colors: fc.constant([]), typography: fc.constant([]), spacing: fc.constant([]), radius: fc.constant([]), inspirationNotes: fc.constant('') }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<BlueprintUpdate>;

  it('never changes status, keeps what is left out, and is ready only when the rules hold', () => {
    fc.assert(
      fc.property(update, fc.boolean(), (u, startReady) => {
        const current = { ...completeBlueprint({ assumptions: [{ statement: 'kept', confidence: 'low' }] }), readyToBuild: startReady };
        const applied = applyBlueprintUpdate(current, u);
        // Every generated part is valid, so the merge must be too.
        expect(applied.ok).toBe(true);
        if (!applied.ok) return;
        const bp = applied.blueprint;
        expect(bp.status).toBe(current.status);
        expect(bp.assumptions).toEqual(current.assumptions);
        if (u.sections?.uiComponents === undefined) expect(bp.sections.uiComponents).toEqual(current.sections.uiComponents);
        if (bp.readyToBuild) expect(readinessProblems(bp)).toEqual([]);
        const wish = u.readyToBuild ?? startReady;
        expect(bp.readyToBuild).toBe(wish && readinessProblems(bp).length === 0);
      }),
      { numRuns: 300 },
    );
  });
});

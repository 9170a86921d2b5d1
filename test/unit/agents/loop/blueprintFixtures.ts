import { Blueprint, type BlueprintInput } from '../../../../extension/src/core/blueprint/blueprint';

/** A blueprint that passes every readiness rule (optional sections empty); tests take one thing away at a time. */
export function completeBlueprint(overrides: Partial<BlueprintInput> = {}): Blueprint {
  return Blueprint.parse({
    featureName: 'Todo sharing',
    summary: 'Share a todo list with a link.',
    sections: {
      dataModel: { status: 'complete', entities: [{ name: 'List', fields: [{ name: 'id', type: 'uuid' }] }] },
      apiEndpoints: { status: 'complete', endpoints: [{ method: 'POST', path: '/lists/:id/share' }] },
      uiComponents: { status: 'complete', components: [{ name: 'ShareDialog' }] },
    },
    ...overrides,
  });
}

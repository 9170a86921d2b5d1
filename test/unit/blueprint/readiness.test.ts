import { describe, expect, it } from 'vitest';
import { Blueprint, type BlueprintInput } from '../../../extension/src/core/blueprint/blueprint';
import { completeBlueprint } from '../agents/loop/blueprintFixtures';
import { canBuild, readinessProblems, withComputedReadiness } from '../../../extension/src/core/blueprint/readiness';

function withSections(sections: BlueprintInput['sections']): Blueprint {
  const base = completeBlueprint();
  return Blueprint.parse({ ...base, sections: { ...base.sections, ...sections } });
}

describe('readinessProblems', () => {
  it('finds nothing in a complete blueprint, with optional sections left empty', () => {
    expect(readinessProblems(completeBlueprint())).toEqual([]);
  });

  it('names each required section that is empty or partial', () => {
    const bp = withSections({ dataModel: { status: 'empty' }, uiComponents: { status: 'partial', components: [{ name: 'A' }] } });
    expect(readinessProblems(bp)).toEqual(['Data model is empty', 'UI components is only partial']);
  });

  it('accepts a required section marked complete with no items when its notes say why it is not needed', () => {
    const bp = withSections({ apiEndpoints: { status: 'complete', endpoints: [], notes: 'Not needed: the list lives in localStorage.' } });
    expect(readinessProblems(bp)).toEqual([]);
  });

  it('refuses a required section marked complete that lists nothing and gives no reason', () => {
    const bp = withSections({ apiEndpoints: { status: 'complete', endpoints: [], notes: '  ' } });
    expect(readinessProblems(bp)).toEqual(['API endpoints is marked complete but lists nothing and its notes do not say why it is not needed']);
  });

  it('lets optional sections be empty or complete, never partial', () => {
    expect(readinessProblems(withSections({ dependencies: { status: 'complete', packages: [] } }))).toEqual([]);
    expect(readinessProblems(withSections({ designSystem: { status: 'partial' }, dependencies: { status: 'partial' } }))).toEqual([
      'Dependencies is only partial',
      'Design system is only partial',
    ]);
  });

  it('counts blocking questions, lists blockers and ignores questions that do not block', () => {
    const bp = completeBlueprint({
      openQuestions: [{ question: 'Public links?', blocking: true }, { question: 'Expiry?', blocking: true }, { question: 'Colour?' }],
      blockers: ['The auth service has no API yet'],
    });
    expect(readinessProblems(bp)).toEqual(['2 blocking questions are open', 'Blocker: The auth service has no API yet']);
    expect(readinessProblems(completeBlueprint({ openQuestions: [{ question: 'Q', blocking: true }] }))).toEqual(['1 blocking question is open']);
  });

  it('refuses an empty summary', () => {
    expect(readinessProblems(completeBlueprint({ summary: ' ' }))).toEqual(['Summary is empty']);
  });

  it('finds every section of a new draft', () => {
    expect(readinessProblems(Blueprint.parse({ featureName: 'X' }))).toEqual(['Summary is empty', 'Data model is empty', 'API endpoints is empty', 'UI components is empty']);
  });
});

describe('withComputedReadiness', () => {
  it('grants the wish only when nothing stands in the way', () => {
    expect(withComputedReadiness(completeBlueprint(), true).readyToBuild).toBe(true);
    expect(withComputedReadiness(withSections({ dataModel: { status: 'empty' } }), true).readyToBuild).toBe(false);
    expect(withComputedReadiness(completeBlueprint({ blockers: ['x'] }), true).readyToBuild).toBe(false);
  });

  it('does not make a complete blueprint ready that the model did not ask to be', () => {
    expect(withComputedReadiness(completeBlueprint({ readyToBuild: true }), false).readyToBuild).toBe(false);
  });

  it('never yields a ready blueprint that canBuild refuses', () => {
    const variants = [completeBlueprint(), completeBlueprint({ blockers: ['b'] }), completeBlueprint({ openQuestions: [{ question: 'q', blocking: true }] })];
    for (const bp of variants) {
      const computed = withComputedReadiness(bp, true);
      if (computed.readyToBuild) expect(canBuild(computed)).toBe(true);
    }
  });

  it('leaves the input untouched', () => {
    const bp = completeBlueprint();
    withComputedReadiness(bp, true);
    expect(bp.readyToBuild).toBe(false);
  });
});

describe('canBuild', () => {
  const ready = Blueprint.parse({ ...completeBlueprint(), readyToBuild: true });
  it('follows readyToBuild when the rules hold', () => {
    expect(canBuild(ready)).toBe(true);
    expect(canBuild({ ...ready, readyToBuild: false })).toBe(false);
  });
  it('is false with a blocker or a blocking question, whatever readyToBuild says', () => {
    expect(canBuild({ ...ready, blockers: ['no design'] })).toBe(false);
    expect(canBuild({ ...ready, openQuestions: [{ question: 'Auth?', blocking: true }] })).toBe(false);
    expect(canBuild({ ...ready, openQuestions: [{ question: 'Colour?', blocking: false }] })).toBe(true);
  });
  it('does not let a hand-edited readyToBuild outweigh an empty required section', () => {
    expect(canBuild(Blueprint.parse({ featureName: 'x', summary: 'y', readyToBuild: true }))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { Sections } from '../../../extension/src/core/blueprint/blueprint';
import { mergeDesignTokens, type DesignTokens } from '../../../extension/src/core/design/designTokens';

const emptySystem = () => Sections.parse({}).designSystem;

const tokens: DesignTokens = {
  colors: [
    { name: 'background', value: '#ffffff', role: 'background' },
    { name: 'brand', value: '#4f46e5', role: 'primary' },
    { name: 'border', value: '#e5e7eb', role: 'border' },
    { name: 'border-2', value: '#d1d5db', role: 'border' },
  ],
  typography: [
    { role: 'heading', family: 'Fraunces, serif', size: '3.5rem', weight: '700' },
    { role: 'body', family: 'Inter, sans-serif' },
  ],
  spacing: [
    { name: 'space-1', value: '8px' },
    { name: 'space-2', value: '16px' },
  ],
  radius: [{ name: 'radius-1', value: '8px' }],
};

describe('mergeDesignTokens', () => {
  it('fills an empty design system and marks it partial', () => {
    const merged = mergeDesignTokens(emptySystem(), tokens, 'Lumen pricing page: airy cards, indigo accents.');
    expect(merged.status).toBe('partial');
    expect(merged.colors).toEqual(tokens.colors);
    expect(merged.typography).toEqual(tokens.typography);
    expect(merged.spacing).toEqual(tokens.spacing);
    expect(merged.radius).toEqual(tokens.radius);
    expect(merged.inspirationNotes).toBe('Lumen pricing page: airy cards, indigo accents.');
  });

  it('never overwrites what the Architect or the user wrote', () => {
    const written = {
      ...emptySystem(),
      status: 'complete' as const,
      colors: [{ name: 'primary', value: '#16a34a', role: 'primary' }, { name: 'border', value: '#cccccc' }],
      typography: [{ role: 'body', family: 'Source Serif, serif', size: '18px' }],
      spacing: [{ name: 'space-1', value: '4px' }],
      radius: [{ name: 'card', value: '8px' }],
      inspirationNotes: 'Calm and green.',
    };
    const before = structuredClone(written);
    const merged = mergeDesignTokens(written, tokens, 'Also: Lumen pricing.');
    expect(written).toEqual(before);
    expect(merged.status).toBe('complete');
    // 'brand' fills primary, which is taken; 'border' exists by name; its role repeats only within the reference.
    expect(merged.colors).toEqual([
      { name: 'primary', value: '#16a34a', role: 'primary' },
      { name: 'border', value: '#cccccc' },
      { name: 'background', value: '#ffffff', role: 'background' },
      { name: 'border-2', value: '#d1d5db', role: 'border' },
    ]);
    expect(merged.typography).toEqual([
      { role: 'body', family: 'Source Serif, serif', size: '18px' },
      { role: 'heading', family: 'Fraunces, serif', size: '3.5rem', weight: '700' },
    ]);
    expect(merged.spacing).toEqual([
      { name: 'space-1', value: '4px' },
      { name: 'space-2', value: '16px' },
    ]);
    expect(merged.radius).toEqual([{ name: 'card', value: '8px' }]);
    expect(merged.inspirationNotes).toBe('Calm and green.\nAlso: Lumen pricing.');
  });

  it('matches names, roles and values without regard to case or spaces', () => {
    const written = { ...emptySystem(), colors: [{ name: 'Brand ', value: '#4F46E5' }] };
    const merged = mergeDesignTokens(written, { colors: [tokens.colors[1]!], typography: [], spacing: [], radius: [] });
    expect(merged).toBe(written);
  });

  it('returns the same object when nothing is new, status untouched', () => {
    const once = mergeDesignTokens(emptySystem(), tokens, 'note');
    expect(mergeDesignTokens(once, tokens, 'note')).toBe(once);
    const empty = emptySystem();
    expect(mergeDesignTokens(empty, { colors: [], typography: [], spacing: [], radius: [] })).toBe(empty);
    expect(empty.status).toBe('empty');
  });
});

/**
 * Generated cookbook trees for the benchmark and the property tests: every
 * step depends on the previous one (every fifth also on one three back), uses
 * its outputs, the root step's output (a far-away target) and a var. Valid:
 * the service must report nothing but the hints it is meant to.
 */
export function stepId(i: number): string {
  return `step-${i}`;
}

export function generateStep(i: number): string {
  const lines = [`  ${stepId(i)}:`];
  if (i > 0) {
    const deps = i % 5 === 0 && i >= 3 ? `[${stepId(i - 1)}, ${stepId(i - 3)}]` : `[${stepId(i - 1)}]`;
    lines.push(`    depends_on: ${deps}`);
  }
  lines.push(
    '    action: api',
    `    method: ${i % 2 === 0 ? 'POST' : 'PUT'}`,
    i > 0
      ? `    endpoint: "/projects/{{ .outputs.${stepId(0)}.id }}/items/{{ .outputs.${stepId(i - 1)}.id }}"`
      : '    endpoint: /projects',
    '    body:',
    `      title: "Item ${i} for {{ .vars.owner }}"`,
    '      tags: [generated, benchmark]',
    `      note: "a padding sentence so the step weighs about as much as a real one"`,
    '    expect_status: [200, 201]',
    '    outputs:',
    '      - id: .data.id',
    '      - ready: .data.status != "pending"',
  );
  return lines.join('\n') + '\n';
}

export function generateTree(steps: number): string {
  const parts = ['name: generated', 'description: "A generated tree"', 'vars:', '  owner: "bench"', 'steps:'];
  let text = parts.join('\n') + '\n';
  const stepTexts: string[] = [];
  for (let i = 0; i < steps; i++) stepTexts.push(generateStep(i));
  text += stepTexts.join('');
  text += `teardown:\n  - action: api\n    method: DELETE\n    endpoint: "/projects/{{ .outputs.${stepId(0)}.id }}"\n`;
  return text;
}

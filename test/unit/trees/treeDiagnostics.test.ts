import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TREE_DIAGNOSTIC_CODES } from '../../../extension/src/core/trees/treeService';
import { SEED_TREE } from './seedTree';
import { diagnose, found, NO_EXTRA, SMALL, textAt } from './treeTestKit';

const edit = (from: string, to: string, text = SMALL) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

describe('valid trees', () => {
  it('the seed tree gives no diagnostics at all', () => {
    expect(diagnose(SEED_TREE)).toEqual([]);
  });

  it('the small tree gives none either', () => {
    expect(diagnose(SMALL)).toEqual([]);
  });

  it('accepts depends_on as a block list or a single id, and the optional fields of each action', () => {
    const text = `name: t
vars:
  n: 3
steps:
  a:
    action: shell
    run: make
    cwd: app
    env: { CI: true, LEVEL: 2 }
    timeout: 5m
    retries: 2
    when: true
    description: builds
    outputs:
      - out: .items[0]["full name"]
  b:
    depends_on: a
    action: wait
    seconds: 5
    interval: 500ms
  c:
    depends_on:
      - a
      - b
    action: agent
    prompt: "Review {{ .outputs.a.out }}"
    role: reviewer
    model: claude
    max_tokens: 1000
  d:
    depends_on: [c]
    action: wait_build
    build_id: "{{ .outputs.a.out }}"
    max_attempts: "{{ .vars.n }}"
    interval: 10
  e:
    depends_on: [d]
    action: api
    method: GET
    endpoint: /status
    headers: { Accept: application/json }
    query: { page: 1 }
    expect_status: 200
    timeout: 30
    name: Status check
`;
    expect(diagnose(text)).toEqual([]);
  });

  it('counts templates in the description and in var values as uses, and checks them', () => {
    const text = SMALL.replace('name: small\n', 'name: small\ndescription: "Ships {{ .vars.target }}"\n').replace(
      '  base: "https://example.test"\n',
      '  base: "https://example.test"\n  host: example.test\n  target: "https://{{ .vars.host }}"\n',
    );
    expect(diagnose(text)).toEqual([]);
    expect(found(text.replace('{{ .vars.target }}', '{{ .vars.targte }}'), 'tree/undeclared-var')).toEqual([
      ['targte', 'var "targte" is not declared in "vars"; did you mean "target"?', 1],
    ]);
  });

  it('accepts merge keys: merged fields count as present and are not reported twice', () => {
    const text = `name: merged
steps:
  first: &call
    action: api
    method: GET
    endpoint: /status
    outputs:
      - code: .status
  second:
    <<: *call
    depends_on: [first]
    endpoint: "/status/{{ .outputs.first.code }}"
  third:
    <<: [*call]
    depends_on: [second]
    query: { code: "{{ .outputs.second.code }}" }
`;
    expect(diagnose(text).filter((d) => d.severity !== 'hint')).toEqual([]);
    expect(found(text.replace('    <<: *call\n', ''), 'tree/missing-field').slice(0, 1)).toEqual([['second', 'step "second" has no "action" (one of api, wait_build, shell, agent, wait)', 8]]);
  });

  it('finds templates in the keys of free-form values', () => {
    const text = SMALL.replace('    method: POST\n', '    method: POST\n    body:\n      "{{ .vars.base }}": 1\n').replace('run: "make build {{ .vars.base }}"', 'run: make');
    expect(diagnose(text)).toEqual([]);
  });

  it('accepts Windows line endings', () => {
    expect(diagnose(SEED_TREE.replace(/\n/g, '\r\n'))).toEqual([]);
    const [d] = diagnose(SMALL.replace('[build]', '[biuld]').replace(/\n/g, '\r\n'));
    expect(d?.range).toEqual({ start: { line: 10, character: 17 }, end: { line: 10, character: 22 } });
  });

  it('leaves {{ }} of other tools alone (Go templates in shell commands)', () => {
    expect(diagnose(edit('make build {{ .vars.base }}', "docker inspect --format '{{.State.Running}}' {{ .vars.base }}"))).toEqual([]);
  });
});

describe('each code, with its range and message', () => {
  it('tree/yaml-syntax', () => {
    const text = edit('    run: "make build {{ .vars.base }}"', '    run: "make build');
    const [d] = diagnose(text).filter((x) => x.code === 'tree/yaml-syntax');
    expect(d?.severity).toBe('error');
    expect(d?.message).toMatch(/^YAML syntax: /);
    expect(d?.message).not.toMatch(/line \d+/);
  });

  it('tree/duplicate-key in a step, for step ids and for outputs', () => {
    const text = edit('    run: "make build {{ .vars.base }}"\n', '    run: "make build {{ .vars.base }}"\n    run: again\n');
    expect(found(text, 'tree/duplicate-key')).toEqual([['run', 'duplicate key "run" in step "build"', 7]]);
    const [d] = diagnose(text).filter((x) => x.code === 'tree/duplicate-key');
    expect(d?.related?.[0]?.location).toEqual({ path: expect.any(String), range: { start: { line: 6, character: 4 }, end: { line: 6, character: 7 } } });
    const twice = SMALL.replace('  publish:', '  build:');
    expect(found(twice, 'tree/duplicate-key')).toEqual([['build', 'duplicate step id "build"', 9]]);
    const outputs = edit('      - artifact: .path\n', '      - artifact: .path\n      - artifact: .other\n');
    expect(found(outputs, 'tree/duplicate-key')).toEqual([['artifact', 'duplicate output "artifact" in step "build"', 9]]);
  });

  it('tree/unknown-key with "did you mean", at the top level, in steps and in teardown', () => {
    expect(found(edit('    method: POST', '    methd: POST'), 'tree/unknown-key')).toEqual([
      ['methd', 'unknown key "methd" for action "api"; did you mean "method"?', 12],
    ]);
    expect(found(edit('vars:', 'varz:'), 'tree/unknown-key')[0]?.slice(0, 2)).toEqual([
      'varz',
      'unknown top-level key "varz"; did you mean "vars"? (expected name, description, vars, steps, teardown)',
    ]);
    expect(found(edit('  - action: shell\n', '  - action: shell\n    depends_on: [build]\n'), 'tree/unknown-key')).toEqual([
      ['depends_on', 'teardown steps have no "depends_on": they run in order after every step', 16],
    ]);
    expect(found(edit('    run: "make', '    colour: red\n    run: "make'), 'tree/unknown-key')).toEqual([
      ['colour', 'unknown key "colour" for action "shell"', 6],
    ]);
  });

  it('does not flag the fields of an action it does not know, nor a workspace action’s fields', () => {
    const text = edit('    action: shell', '    action: deploy\n    target: prod');
    expect(found(text, 'tree/unknown-key')).toEqual([]);
    expect(diagnose(text, { extraActions: { deploy: { required: ['target'], optional: ['run'] } } })).toEqual([]);
  });

  it('tree/wrong-type', () => {
    expect(found(edit('    method: POST', '    method: [POST]'), 'tree/wrong-type')).toEqual([
      ['[POST]', '"method" must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, not a list', 12],
    ]);
    expect(found(edit('    method: POST', '    method: post'), 'tree/wrong-type')).toEqual([
      ['post', '"method" must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, not "post"; did you mean "POST"?', 12],
    ]);
    expect(found(edit('    run: "make', '    timeout: soon\n    run: "make'), 'tree/wrong-type')).toEqual([
      ['soon', '"timeout" must be a duration: seconds, or "30s", "5m", "1h", "500ms", not "soon"', 6],
    ]);
    expect(found(edit('    depends_on: [build]', '    depends_on: { build: true }'), 'tree/wrong-type')).toEqual([
      ['{ build: true }', '"depends_on" of step "publish" must be a step id or a list of step ids, not a mapping', 10],
    ]);
    expect(found(edit('      - artifact: .path', '      - .path'), 'tree/wrong-type')).toEqual([
      ['.path', 'each output of step "build" is one "key: .json.path" pair, not a string', 8],
    ]);
    expect(found('name: x\nsteps: [a]\n', 'tree/wrong-type')).toEqual([['[a]', '"steps" must be a mapping of step ids to steps, not a list', 1]]);
    expect(found(edit('  publish:\n', '  orphan: 3\n  publish:\n'), 'tree/wrong-type')).toEqual([
      ['3', 'step "orphan" must be a mapping with an "action", not a whole number', 9],
    ]);
  });

  it('tree/missing-field: name, steps, action, an action’s required field, wait’s until or seconds', () => {
    expect(found(edit('name: small\n', ''), 'tree/missing-field')).toEqual([['vars', 'the tree has no "name"', 0]]);
    expect(found(edit('    endpoint: "/publish/{{ .outputs.build.artifact }}"\n', ''), 'tree/missing-field')).toEqual([
      ['publish', 'step "publish" (action "api") needs "endpoint"', 9],
    ]);
    expect(found(edit('    action: shell\n', ''), 'tree/missing-field')).toEqual([
      ['build', 'step "build" has no "action" (one of api, wait_build, shell, agent, wait)', 4],
    ]);
    expect(found('name: x\nsteps:\n  pause:\n    action: wait\n', 'tree/missing-field')).toEqual([
      ['pause', 'step "pause" (action "wait") needs "until" or "seconds"', 2],
    ]);
    expect(found('name: x\n', 'tree/missing-field')).toEqual([['name', 'the tree has no "steps"', 0]]);
  });

  it('tree/unknown-action', () => {
    expect(found(edit('    action: shell', '    action: shel'), 'tree/unknown-action')).toEqual([
      ['shel', 'unknown action "shel"; did you mean "shell"? (known: api, wait_build, shell, agent, wait)', 5],
    ]);
  });

  it('tree/unknown-dependency, tree/self-dependency, tree/duplicate-dependency', () => {
    expect(found(edit('[build]', '[biuld]'), 'tree/unknown-dependency')).toEqual([
      ['biuld', 'depends_on names an unknown step "biuld"; did you mean "build"?', 10],
    ]);
    expect(found(edit('[build]', '[build, publish]'), 'tree/self-dependency')).toEqual([['publish', 'step "publish" depends on itself', 10]]);
    const twice = found(edit('[build]', '[build, build]'), 'tree/duplicate-dependency');
    expect(twice).toEqual([['build', '"build" is already listed in depends_on', 10]]);
  });

  it('tree/dependency-cycle marks each edge and spells out the cycle; tree/no-root-step', () => {
    const text = edit('    action: shell\n', '    depends_on: [publish]\n    action: shell\n');
    expect(found(text, 'tree/dependency-cycle')).toEqual([
      ['publish', 'dependency cycle: build -> publish -> build', 5],
      ['build', 'dependency cycle: build -> publish -> build', 11],
    ]);
    const [first] = diagnose(text).filter((d) => d.code === 'tree/dependency-cycle');
    expect(first?.related?.map((r) => r.message)).toEqual(['"publish" depends on "build"']);
    expect(found(text, 'tree/no-root-step')).toEqual([['steps', 'no step can start: every step has a "depends_on"', 3]]);
  });

  it('a three-step cycle is spelled in dependency order', () => {
    const text = 'name: x\nsteps:\n  root:\n    action: wait\n    seconds: 1\n  a:\n    depends_on: [c, root]\n    action: wait\n    seconds: 1\n  b:\n    depends_on: [a]\n    action: wait\n    seconds: 1\n  c:\n    depends_on: [b]\n    action: wait\n    seconds: 1\n';
    expect(found(text, 'tree/dependency-cycle').map(([covered, message]) => [covered, message])).toEqual([
      ['c', 'dependency cycle: a -> c -> b -> a'],
      ['a', 'dependency cycle: a -> c -> b -> a'],
      ['b', 'dependency cycle: a -> c -> b -> a'],
    ]);
    expect(found(text, 'tree/no-root-step')).toEqual([]);
  });

  it('tree/malformed-template', () => {
    expect(found(edit('{{ .vars.base }}', '{{ .var.base }}'), 'tree/malformed-template')).toEqual([
      ['{{ .var.base }}', 'unknown template root ".var"; did you mean ".vars"?', 6],
    ]);
    expect(found(edit('{{ .vars.base }}', '{{ vars.base }}'), 'tree/malformed-template')).toEqual([
      ['{{ vars.base }}', 'template must start with a dot: "{{ .vars.base }}"', 6],
    ]);
    expect(found(edit('{{ .outputs.build.artifact }}"\nteardown', '{{ .outputs.build }}"\nteardown'), 'tree/malformed-template')).toEqual([
      ['{{ .outputs.build }}', 'an output template is written "{{ .outputs.step-id.key }}"', 13],
    ]);
    expect(found(edit('{{ .vars.base }}"', '{{ .vars.base"'), 'tree/malformed-template')).toEqual([
      ['{{ .vars.base"', 'template is not closed: add "}}"', 6],
    ]);
  });

  it('tree/undeclared-var', () => {
    expect(found(edit('{{ .vars.base }}', '{{ .vars.bse }}'), 'tree/undeclared-var')).toEqual([
      ['bse', 'var "bse" is not declared in "vars"; did you mean "base"?', 6],
    ]);
  });

  it('tree/template-unknown-step and tree/unknown-output', () => {
    expect(found(edit('/publish/{{ .outputs.build.artifact }}', '/publish/{{ .outputs.buld.artifact }}'), 'tree/template-unknown-step')).toEqual([
      ['buld', 'no step "buld"; did you mean "build"?', 13],
    ]);
    expect(found(edit('/publish/{{ .outputs.build.artifact }}', '/publish/{{ .outputs.build.artefact }}'), 'tree/unknown-output')).toEqual([
      ['artefact', 'step "build" has no output "artefact"; did you mean "artifact"?', 13],
    ]);
    expect(found(edit('/publish/{{ .outputs.build.artifact }}', '/publish/{{ .outputs.build.size }}'), 'tree/unknown-output')).toEqual([
      ['size', 'step "build" has no output "size" (it declares "artifact")', 13],
    ]);
  });

  it('tree/template-missing-dependency: direct or transitive dependencies only; teardown may use any step', () => {
    const text = edit('    depends_on: [build]\n', '');
    expect(found(text, 'tree/template-missing-dependency')).toEqual([
      ['{{ .outputs.build.artifact }}', 'step "publish" uses an output of "build" but does not depend on it: add "build" to its depends_on', 12],
    ]);
    const transitive = `${SMALL.replace('teardown:', `  notify:
    depends_on: [publish]
    action: shell
    run: "echo {{ .outputs.build.artifact }}"
teardown:`)}`;
    expect(diagnose(transitive)).toEqual([]);
    const backwards = edit('    action: shell\n    run: "make build {{ .vars.base }}"', '    action: shell\n    run: "make build {{ .vars.base }} {{ .outputs.publish.id }}"');
    expect(found(backwards, 'tree/template-missing-dependency')[0]?.[1]).toBe(
      'step "build" uses an output of "publish", which runs after it ("publish" depends on "build")',
    );
  });

  it('tree/template-own-output', () => {
    expect(found(edit('make build {{ .vars.base }}', 'make {{ .outputs.build.artifact }}'), 'tree/template-own-output')).toEqual([
      ['{{ .outputs.build.artifact }}', 'step "build" cannot use its own output: it does not exist until the step has run', 6],
    ]);
  });

  it('tree/malformed-output', () => {
    expect(found(edit('.path', 'data.path'), 'tree/malformed-output')).toEqual([
      ['data.path', 'output expression "data.path" must start with "." (a JSON path such as ".data.id")', 8],
    ]);
    expect(found(edit('.path', '.data..x'), 'tree/malformed-output')[0]?.[0]).toBe('.data..x');
    expect(found(edit('.path', '.items[0].name == "x"'), 'tree/malformed-output')).toEqual([]);
  });

  it('tree/unused-var and tree/unused-output are hints that grey the range out', () => {
    const text = edit('  base: "https://example.test"\n', '  base: "https://example.test"\n  spare: 1\n').replace(
      '      - artifact: .path\n',
      '      - artifact: .path\n      - size: .bytes\n      - ok: .status == "done"\n',
    );
    expect(found(text, 'tree/unused-var')).toEqual([['spare', 'var "spare" is not used by any template', 3]]);
    expect(found(text, 'tree/unused-output')).toEqual([['size', 'output "size" of step "build" is not used by any template', 10]]);
    const hints = diagnose(text).filter((d) => d.code.startsWith('tree/unused-'));
    expect(hints.every((d) => d.severity === 'hint' && d.tags?.includes('unnecessary'))).toBe(true);
  });
});

describe('the code list', () => {
  it('documents every code the tests above trigger, and only tree/ codes', () => {
    for (const code of Object.keys(TREE_DIAGNOSTIC_CODES)) expect(code).toMatch(/^tree\/[a-z-]+$/);
    expect(Object.keys(TREE_DIAGNOSTIC_CODES)).toHaveLength(20);
  });

  it('lists every code the service’s source can emit, and nothing else', () => {
    const dir = join(__dirname, '../../../extension/src/core/trees');
    const emitted = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'treeCodes.ts')) {
      for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/'(tree\/[a-z-]+)'/g)) emitted.add(match[1]!);
    }
    expect([...emitted].sort()).toEqual(Object.keys(TREE_DIAGNOSTIC_CODES).sort());
  });

  it('every diagnostic of a broken tree has a documented code', () => {
    const broken = SMALL.replace('[build]', '[nope, publish]').replace('.path', 'x').replace('method: POST', 'methd: 1');
    const codes = diagnose(broken, NO_EXTRA).map((d) => d.code);
    expect(codes.length).toBeGreaterThan(3);
    for (const code of codes) expect(TREE_DIAGNOSTIC_CODES).toHaveProperty([code]);
  });

  it('ranges are precise on a line with several templates', () => {
    const text = SEED_TREE.replace('{{ .outputs.start-blueprint.blueprint_id }}/chat', '{{ .outputs.start-blueprint.blueprint }}/chat');
    const [d] = diagnose(text);
    expect(d && textAt(text, d.range)).toBe('blueprint');
    expect(d?.range.start.character).toBe(text.split('\n')[d!.range.start.line]!.indexOf('.blueprint }}') + 1);
  });
});

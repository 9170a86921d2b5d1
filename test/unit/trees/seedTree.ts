/** The seed's example tree: the format the service must accept without a single diagnostic. */
export const SEED_TREE = `# cookbooks/trees/design-from-reference.yaml
name: design-from-reference
description: "E2E test: Build feature from visual inspiration"
vars:
  project_name: ""
  reference_url: "https://stripe.com/pricing"
steps:
  create-project:
    action: api
    method: POST
    endpoint: /project
    body:
      name: "{{ .vars.project_name }}"
    outputs:
      - project_id: .data.name
  start-blueprint:
    depends_on: [create-project]
    action: api
    method: POST
    endpoint: "/projects/{{ .outputs.create-project.project_id }}/blueprints"
    body:
      featureName: "Pricing Page"
    outputs:
      - blueprint_id: .data.id
  provide-reference:
    depends_on: [start-blueprint]
    action: api
    method: POST
    endpoint: "/projects/{{ .outputs.create-project.project_id }}/blueprints/{{ .outputs.start-blueprint.blueprint_id }}/chat"
    body:
      message: "Build a pricing page inspired by this"
      references:
        - type: url
          source: "{{ .vars.reference_url }}"
    outputs:
      - has_design_system: .blueprint.sections.designSystem.status != "empty"
  wait-build:
    depends_on: [provide-reference]
    action: wait_build
    build_id: "{{ .outputs.start-blueprint.blueprint_id }}"
    max_attempts: 120
teardown:
  - action: api
    method: DELETE
    endpoint: "/project/{{ .outputs.create-project.project_id }}"
`;

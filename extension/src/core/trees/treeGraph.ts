/**
 * The step graph: edges go from a step to the steps it depends on. Linear
 * algorithms only, because a generated tree may have 20,000 steps: Tarjan's
 * strongly connected components (iterative, no recursion limit), one shortest
 * cycle per component, and "does T depend on S" answered by a short search
 * first and a cached closure of S's dependents when the search grows.
 */

export class StepGraph {
  private readonly dependentsClosure = new Map<number, Uint8Array>();
  private dependents?: number[][];

  /** `edges[i]`: indices of the known steps step i depends on (no self edges). */
  constructor(readonly edges: readonly (readonly number[])[]) {}

  get size(): number {
    return this.edges.length;
  }

  /** Strongly connected components with more than one step, each in discovery order. */
  cycles(): number[][] {
    const n = this.edges.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack: number[] = [];
    const components: number[][] = [];
    const work: { node: number; next: number }[] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      work.push({ node: root, next: 0 });
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      while (work.length > 0) {
        const frame = work[work.length - 1]!;
        const out = this.edges[frame.node]!;
        if (frame.next < out.length) {
          const target = out[frame.next++]!;
          if (index[target] === -1) {
            index[target] = low[target] = counter++;
            stack.push(target);
            onStack[target] = 1;
            work.push({ node: target, next: 0 });
          } else if (onStack[target]) {
            low[frame.node] = Math.min(low[frame.node]!, index[target]!);
          }
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
        if (low[frame.node] === index[frame.node]) {
          const component: number[] = [];
          let member: number;
          do {
            member = stack.pop()!;
            onStack[member] = 0;
            component.push(member);
          } while (member !== frame.node);
          if (component.length > 1) components.push(component.sort((a, b) => a - b));
        }
      }
    }
    return components;
  }

  /** A shortest cycle through the component's first step, as the list of steps (the first is not repeated at the end). */
  cycleThrough(component: readonly number[]): number[] {
    const members = new Set(component);
    const start = component[0]!;
    const previous = new Map<number, number>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const target of this.edges[node]!) {
        if (!members.has(target)) continue;
        if (target === start) {
          const path = [node];
          for (let at = node; at !== start; ) {
            at = previous.get(at)!;
            path.push(at);
          }
          return path.reverse();
        }
        if (!previous.has(target)) {
          previous.set(target, node);
          queue.push(target);
        }
      }
    }
    return [start];
  }

  /** Whether step `from` depends on step `on`, directly or through other steps. */
  dependsOn(from: number, on: number): boolean {
    if (from === on) return false;
    if (this.edges[from]!.includes(on)) return true;
    const closure = this.dependentsClosure.get(on);
    if (closure) return closure[from] === 1;
    // Most templates name a step a few hops away: a small search answers without building a closure.
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length > 0 && seen.size <= 256) {
      for (const target of this.edges[stack.pop()!]!) {
        if (target === on) return true;
        if (!seen.has(target)) {
          seen.add(target);
          stack.push(target);
        }
      }
    }
    if (stack.length === 0) return false;
    return this.closureOf(on)[from] === 1;
  }

  private closureOf(on: number): Uint8Array {
    if (!this.dependents) {
      this.dependents = this.edges.map(() => []);
      this.edges.forEach((out, node) => out.forEach((target) => this.dependents![target]!.push(node)));
    }
    const marks = new Uint8Array(this.edges.length);
    const stack = [on];
    while (stack.length > 0) {
      for (const dependent of this.dependents[stack.pop()!]!) {
        if (!marks[dependent]) {
          marks[dependent] = 1;
          stack.push(dependent);
        }
      }
    }
    marks[on] = 0;
    this.dependentsClosure.set(on, marks);
    return marks;
  }
}

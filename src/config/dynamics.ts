// Names, capacities, default initial masses and parameter ranges of the dynamics, fitness modes,
// pruning scores and scopes: all from the Rust registry (registry.generated.ts), never listed here.
import { REGISTRY } from './registry.generated.js';

export { REGISTRY } from './registry.generated.js';

type Entry<T extends readonly { name: string }[]> = T[number];
export type DynamicName = Entry<typeof REGISTRY.dynamics>['name'];
export type FitnessName = Entry<typeof REGISTRY.fitness>['name'];
export type ScoreName = Entry<typeof REGISTRY.scores>['name'];
export type ScopeName = Entry<typeof REGISTRY.scopes>['name'];

const names = <T extends readonly { name: string }[]>(list: T) => list.map((e) => e.name) as unknown as [Entry<T>['name'], ...Entry<T>['name'][]];

export const DYNAMIC_NAMES = names(REGISTRY.dynamics);
export const FITNESS_NAMES = names(REGISTRY.fitness);
export const SCORE_NAMES = names(REGISTRY.scores);
export const SCOPE_NAMES = names(REGISTRY.scopes);

/** Every dynamic by name: its description, capacity rule, default initial mass and parameters. */
export const DYNAMICS = Object.fromEntries(REGISTRY.dynamics.map((d) => [d.name, d])) as {
  [K in DynamicName]: Extract<Entry<typeof REGISTRY.dynamics>, { name: K }>;
};

/** The smallest allowed value of a dynamic's parameter (every dynamic that reads it agrees). */
export function paramMinimum(param: string): number {
  const mins = REGISTRY.dynamics.flatMap((d) => d.params.filter((p) => p.name === param).map((p) => p.min as number));
  return Math.max(...mins);
}

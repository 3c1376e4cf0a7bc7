/**
 * What `migrate` (and the commands that check a migration) need before any
 * record moves: the plan's mapping, its source and target systems, and the
 * mapping compiled against both systems' schemas, every problem reported at
 * once.
 */
import type { SystemDescription } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { compileMapping, type CompiledMapping, type MappingInput, type MappingProblem } from '../core/mapping/index.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { dottedPath } from '../plan/plan-issues.js';
import { systemFromPlan, type SystemTarget } from '../plan/systems.js';

/** The mapping section and the two systems it joins. */
export interface MigrationSystems {
  mapping: MappingInput;
  source: SystemTarget;
  target: SystemTarget;
}

/** The plan's mapping with its source and target systems (the mapping's, else the plan's `role: source` and `role: target`). */
export function migrationSystems(loaded: LoadedPlan, env: NodeJS.ProcessEnv = process.env): MigrationSystems {
  const mapping = loaded.plan.mapping as MappingInput | undefined;
  if (!mapping) {
    throw new CutoverError('mapping.invalid', `The plan ${loaded.file} has no mapping section.`, {
      hints: ['add `mapping:` with the objects to migrate (see docs/plan.md), or start from `cutover init --demo`'],
    });
  }
  const byRole = (role: 'source' | 'target'): string => {
    const named = role === 'source' ? mapping.source : mapping.target;
    if (named) return named;
    const candidates = Object.entries(loaded.plan.systems).filter(([, system]) => system.role === role).map(([name]) => name);
    if (candidates.length !== 1) {
      throw new CutoverError('mapping.invalid', `The mapping names no ${role}, and the plan has ${candidates.length === 0 ? 'no' : `${candidates.length}`} system(s) with role ${role}${candidates.length > 1 ? `: ${candidates.join(', ')}` : ''}.`, {
        hints: [`set mapping.${role} to the system's name`],
      });
    }
    return candidates[0] as string;
  };
  return { mapping, source: systemFromPlan(loaded, byRole('source'), env), target: systemFromPlan(loaded, byRole('target'), env) };
}

/** One mapping problem as a line: its plan path and message, and the hint. */
export function formatMappingProblem(problem: MappingProblem): string {
  return `${dottedPath(problem.path)}: ${problem.message}${problem.hint ? ` (${problem.hint})` : ''}`;
}

/** Compiles the mapping against both systems; any error problem stops here, listing all of them. */
export function compilePlanMapping(systems: MigrationSystems, source: SystemDescription, target: SystemDescription): { mapping: CompiledMapping; warnings: MappingProblem[] } {
  const result = compileMapping(systems.mapping, source, target, { source: systems.source.name, target: systems.target.name });
  const errors = result.problems.filter((problem) => problem.severity === 'error');
  if (!result.mapping || errors.length > 0) {
    throw new CutoverError('mapping.invalid', `The mapping from ${systems.source.name} to ${systems.target.name} has ${errors.length} problem(s); nothing was migrated.`, {
      details: errors.map(formatMappingProblem),
      hints: ['fix them in the plan; `cutover check` lists them with their lines'],
    });
  }
  return { mapping: result.mapping, warnings: result.problems.filter((problem) => problem.severity === 'warning') };
}

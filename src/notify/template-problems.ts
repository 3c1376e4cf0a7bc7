/**
 * Problems of a template found without rendering it, so that `cutover check`
 * fails on them long before a rollback needs the message: front matter,
 * Liquid syntax, unknown tags and filters (the parser refuses them in strict
 * mode), and every variable path checked against the facts schema, through
 * `for` loops (`{% for t in triggers %}{{ t.measured }}` checks
 * `triggers[].measured`).
 */
import { ForTag, TypeGuards, type Arguments, type Liquid, type Template, type Variable } from 'liquidjs';
import { factsSchema } from './facts.js';
import { elementOf, factNames, resolvePath, type Segment, type Shape } from './fact-paths.js';
import { createLiquid } from './liquid-engine.js';
import { splitTemplate } from './template-file.js';

/** Names in scope while walking a template: loop variables and what `assign`/`capture` made. */
interface Scope {
  aliases: ReadonlyMap<string, Shape>;
  /** Names assigned anywhere before; Liquid keeps them for the rest of the template. */
  locals: Set<string>;
}

/**
 * Every problem of a template file, each starting with `name` and, where
 * known, the line (`customer:12: unknown variable decision.resaon …`).
 * Empty when the template is fine. Nothing is rendered.
 */
export function templateProblems(templateText: string, name: string): string[] {
  const split = splitTemplate(templateText, name);
  if (!split.ok) return split.problems;
  const { template } = split;
  const engines = { strict: createLiquid(), lenient: createLiquid({ strictFilters: false }) };
  return [
    ...liquidProblems(engines, template.subject, `${name} (subject)`, 0),
    ...liquidProblems(engines, template.body, name, template.bodyLine),
  ];
}

function liquidProblems(engines: { strict: Liquid; lenient: Liquid }, text: string, label: string, lineOffset: number): string[] {
  const problems = new Set<string>();
  try {
    engines.strict.parse(text);
  } catch (error) {
    problems.add(`${label}: ${parseMessage(error, lineOffset)}`);
  }
  // Parsed again without the filter check, so that the variables past an unknown filter are checked too.
  const liquid = engines.lenient;
  let parsed: Template[];
  try {
    parsed = liquid.parse(text);
  } catch (error) {
    problems.add(`${label}: ${parseMessage(error, lineOffset)}`);
    return [...problems];
  }
  walk(liquid, parsed, { aliases: new Map(), locals: new Set() }, (variable, problem) => {
    problems.add(`${label}:${variable.location.row + lineOffset}: ${problem}`);
  });
  return [...problems];
}

type Report = (variable: Variable, problem: string) => void;
type Argument = Arguments extends Iterable<infer A> ? A : never;

function walk(liquid: Liquid, templates: readonly Template[], scope: Scope, report: Report): void {
  for (const template of templates) {
    if (template.arguments) {
      for (const variable of variablesOf(liquid, [...template.arguments()])) check(variable, scope, report);
    }
    if (template.localScope) for (const identifier of template.localScope()) scope.locals.add(identifier.content);
    if (!template.children) continue;
    const children = childrenOf(template);
    const aliases = new Map(scope.aliases);
    if (template instanceof ForTag) {
      aliases.set(template.variable, loopItemShape(liquid, template, scope, report));
      aliases.set('forloop', { kind: 'forloop' });
    } else if (template.blockScope) {
      for (const blockName of template.blockScope()) aliases.set(blockName, { kind: 'any' });
    }
    walk(liquid, children, { aliases, locals: scope.locals }, report);
  }
}

function childrenOf(template: Template): Template[] {
  const generator = template.children?.(false, true);
  if (!generator) return [];
  // Tags return their children synchronously when asked for sync; the generator only yields for partials, which are removed.
  let result = generator.next();
  while (!result.done) result = generator.next();
  return result.value;
}

/** The shape of a loop variable: an item of the collection when it is a list of facts. */
function loopItemShape(liquid: Liquid, tag: InstanceType<typeof ForTag>, scope: Scope, report: Report): Shape {
  const collection = tag.collection;
  if (TypeGuards.isRangeToken(collection) || !TypeGuards.isPropertyAccessToken(collection)) return { kind: 'any' };
  const [main] = variablesOf(liquid, [collection]);
  if (!main) return { kind: 'any' };
  const shape = shapeOf(main, scope);
  if (!shape) return { kind: 'any' }; // already reported as an argument of the tag
  const item = elementOf(shape);
  if (item) return item;
  report(main, `${String(main)} is not a list; a for loop needs one`);
  return { kind: 'any' };
}

function check(variable: Variable, scope: Scope, report: Report): void {
  const [root] = variable.segments;
  if (typeof root !== 'string') return;
  const start = rootShape(root, scope);
  if (start === undefined) {
    report(variable, `unknown variable ${root} (the facts are ${factNames(factsSchema).join(', ')})`);
    return;
  }
  const resolved = resolvePath(start, segmentsOf(variable).slice(1), root);
  if (!resolved.ok) report(variable, resolved.problem);
}

function shapeOf(variable: Variable, scope: Scope): Shape | undefined {
  const [root] = variable.segments;
  if (typeof root !== 'string') return undefined;
  const start = rootShape(root, scope);
  if (start === undefined) return undefined;
  const resolved = resolvePath(start, segmentsOf(variable).slice(1), root);
  return resolved.ok ? resolved.shape : undefined;
}

function rootShape(root: string, scope: Scope): Shape | undefined {
  const alias = scope.aliases.get(root);
  if (alias) return alias;
  if (scope.locals.has(root)) return { kind: 'any' };
  if (!factNames(factsSchema).includes(root)) return undefined;
  const resolved = resolvePath({ kind: 'schema', schema: factsSchema }, [root], '');
  return resolved.ok ? resolved.shape : undefined;
}

function segmentsOf(variable: Variable): Segment[] {
  return variable.segments.map((segment) => (typeof segment === 'string' || typeof segment === 'number' ? segment : { computed: true as const }));
}

/**
 * The variables used by some arguments of a tag or output, nested ones
 * (`a[b.c]`) included, found by Liquid's own static analysis over a
 * one-node template that has just these arguments.
 */
function variablesOf(liquid: Liquid, args: Argument[]): Variable[] {
  const probe = { token: undefined, render: () => undefined, arguments: () => args } as unknown as Template;
  const analysis = liquid.analyzeSync([probe], { partials: false });
  return Object.values(analysis.variables).flat();
}

function parseMessage(error: unknown, lineOffset: number): string {
  const message = error instanceof Error ? error.message : String(error);
  // Liquid says "… , line:3, col:5"; make the line one of the file.
  return message.replace(/line:(\d+)/, (_whole, line: string) => `line:${Number(line) + lineOffset}`);
}

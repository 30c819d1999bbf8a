import { UserError } from '../errors.js';
import type { Facts } from '../facts/types.js';
import { cycleMessage } from '../recipe/cycle.js';
import type { Recipe } from '../recipe/model.js';
import type { Scalar } from '../recipe/schema.js';
import { renderData, type TemplateContext } from '../recipe/template.js';
import { checkSecretNames, checkSets, resolveParams, type ParamValue } from './params.js';
import type { DataLookup } from '../yaml/data-file.js';
import type { Plan, PlannedRecipe, PlanRequest } from './types.js';
import { emptyText } from './empty-text.js';
import { at, deriveVars, planRecipe, provide, renderWhen } from './plan-recipe.js';
import { whenFails } from './when.js';

// Looks up a recipe by name; `where` names the place that asked for it, for the error message.
export type RecipeLookup = (name: string, where?: string) => Recipe;

function instanceId(name: string, given: Record<string, Scalar>): string {
  const args = Object.entries(given).map(([k, v]) => `${k}=${String(v)}`);
  return args.length ? `${name}(${args.join(',')})` : name;
}

// The context a recipe instance is decided on, with the notes and blocks its derived vars gave.
interface Decided {
  ctx: TemplateContext;
  notes: string[];
  blocks: string[];
}

// A recipe instance being planned: its requires (the next one to plan, the ids planned so far) come first.
interface Frame {
  recipe: Recipe;
  id: string;
  params: Record<string, ParamValue>;
  decided: Decided;
  skip: string | undefined;
  // The facts it was decided with; when a require provides facts, it is decided again.
  before: unknown;
  next: number;
  requires: string[];
}

// Walks the requires of a request depth-first with a stack of its own (a chain may be thousands deep), planning each
// recipe instance after its requires, once.
class PlanWalk {
  readonly recipes: PlannedRecipe[] = [];
  readonly loaded = new Map<string, Recipe>();
  private readonly byId = new Map<string, PlannedRecipe>();
  private readonly stack: Frame[] = [];
  // The facts later recipes are decided with: the box's, plus what earlier recipes of the plan provide where it lacks them.
  private base: TemplateContext;

  constructor(
    private readonly lookup: RecipeLookup,
    private readonly request: PlanRequest,
    facts: Facts,
    private readonly data: DataLookup,
  ) {
    this.base = { facts, mirror: request.mirror.values };
  }

  // Plan a named recipe and everything it requires.
  walk(name: string): void {
    this.enter(name, {}, undefined);
    while (this.stack.length) {
      const top = this.stack.at(-1)!;
      const req = top.skip ? undefined : top.recipe.requires[top.next++];
      if (req) {
        const given = Object.fromEntries(
          Object.entries(req.with).map(([k, v]) => [k, typeof v === 'string' ? at(req.where, `requires ${req.recipe}.${k}`, () => renderData(v, top.decided.ctx)) : v]),
        );
        const done = this.enter(req.recipe, given, req.where);
        if (done) top.requires.push(done);
        continue;
      }
      this.stack.pop();
      const id = this.finish(top);
      this.stack.at(-1)?.requires.push(id);
    }
  }

  // Start a recipe instance: its id when it is planned already, else undefined (its frame is on the stack).
  private enter(name: string, given: Record<string, Scalar>, where: string | undefined): string | undefined {
    const path = this.stack.map((f) => f.recipe.name);
    if (path.includes(name)) throw new UserError(cycleMessage(path, name), where);
    const recipe = this.lookup(name, where);
    this.loaded.set(name, recipe);
    const id = instanceId(name, given);
    if (this.byId.has(id)) return id;
    const params = resolveParams(recipe, given, this.request.sets, this.base, () => where ?? recipe.at([]));
    const decided = this.decide(recipe, params);
    const skip = recipe.when
      ? whenFails(renderWhen(recipe.when, decided.ctx, () => recipe.at(['when']), 'when'), this.base.facts as Facts, params, recipe.when, (t) => emptyText(recipe, t, (x) => renderData(x, decided.ctx)))
      : undefined;
    this.stack.push({ recipe, id, params, decided, skip, before: this.base.facts, next: 0, requires: [] });
    return undefined;
  }

  // Plan a recipe instance whose requires are planned; what it provides is there for the recipes after it.
  private finish(frame: Frame): string {
    const { recipe, id, params, skip } = frame;
    const { ctx, notes, blocks } = this.base.facts !== frame.before ? this.decide(recipe, params) : frame.decided;
    const planned = planRecipe(recipe, id, params, frame.requires, skip, ctx, notes, blocks, this.request);
    if (!skip && !planned.blocked) this.base = provide(recipe, ctx, this.base, planned);
    this.byId.set(id, planned);
    this.recipes.push(planned);
    return id;
  }

  private decide(recipe: Recipe, params: Record<string, ParamValue>): Decided {
    const notes: string[] = [];
    const blocks: string[] = [];
    const ctx: TemplateContext = { ...this.base, params, recipe: { name: recipe.name } };
    ctx.vars = deriveVars(recipe, ctx, ctx.facts as Facts, this.data, this.request.mirror, notes, blocks);
    return { ctx, notes, blocks };
  }
}

// Build the ordered plan: requires first (depth-first, in the order written), cycles and unknown recipes reported; no I/O.
export function buildPlan(lookup: RecipeLookup, request: PlanRequest, facts: Facts, data: DataLookup): Plan {
  const walk = new PlanWalk(lookup, request, facts, data);
  for (const name of request.names) walk.walk(name);
  checkSets(request.sets, walk.loaded);
  checkSecretNames(walk.loaded);
  return { request, facts, recipes: walk.recipes };
}

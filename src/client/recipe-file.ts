/**
 * Reads a recipe file (YAML or JSON: YAML 1.2 is a superset of JSON) into the plain object `bakeImage`
 * takes, and checks it with the workflow's own validation, so `cvm-image bake` refuses a bad recipe before
 * anything starts. The published JSON Schema (recipes/recipe.schema.json) is made from the same zod schema.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parse } from 'yaml';
import type { Recipe } from '../contract';
import { recipeSchema, validateRecipe } from '../workflows/recipe-validation';

export async function readRecipe(path: string): Promise<Recipe> {
  const text = await readFile(path, 'utf8');
  return parseRecipe(text, path);
}

/** Parses and validates; a YAML syntax error or an invalid field is thrown as an Error naming it. */
export function parseRecipe(text: string, source = 'recipe'): Recipe {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new Error(`${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  return validateRecipe(raw);
}

/** The JSON Schema of a recipe (draft 2020-12). */
export function recipeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(recipeSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'recipe.schema.json',
    title: 'cvm-image-pipeline bake recipe',
    description:
      'A recipe for bakeImage: base image, builder, provisioning and verification steps. docs/recipes.md documents every field; the workflow checks more than this schema can say (one of shell/file/reboot per step, zone in region).',
    ...schema,
  };
}

/** Writes recipes/recipe.schema.json from the workflow's zod schema (a unit test checks it is current). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'prettier';
import { recipeJsonSchema } from '../src/client/recipe-file';

const file = join(__dirname, '..', 'recipes', 'recipe.schema.json');
void format(JSON.stringify(recipeJsonSchema()), { parser: 'json', printWidth: 120 }).then((text) => {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
});

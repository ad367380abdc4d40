/** TagSpecification → tags for one resource type; other resource types are refused by name. */
import { invalidValue } from '../core/errors';

export type Tag = { Key: string; Value: string };

export function tagsFor(resourceType: string, raw: unknown, field = 'TagSpecification'): Tag[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidValue(field, 'must be a list of {ResourceType, Tags}');
  const out: Tag[] = [];
  raw.forEach((spec, i) => {
    if (!spec || typeof spec.ResourceType !== 'string') throw invalidValue(`${field}.${i}.ResourceType`, 'is required');
    if (spec.ResourceType !== resourceType) {
      throw invalidValue(`${field}.${i}.ResourceType`, `must be "${resourceType}" here, got "${spec.ResourceType}"`);
    }
    const tags = Array.isArray(spec.Tags) ? spec.Tags : [];
    tags.forEach((t: Tag, j: number) => {
      if (!t || typeof t.Key !== 'string' || t.Key === '')
        throw invalidValue(`${field}.${i}.Tags.${j}.Key`, 'is required');
      out.push({ Key: t.Key, Value: typeof t.Value === 'string' ? t.Value : '' });
    });
  });
  return out;
}

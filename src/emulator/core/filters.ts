/**
 * Tencent's `Filters` semantics: different names are ANDed, the values of one name are ORed;
 * an unknown name is refused so a typo never silently matches everything.
 */
import { ApiError } from './errors';

export interface Filter {
  Name: string;
  Values: string[];
}

export type FilterTable<T> = Record<string, (item: T, value: string) => boolean>;

export function readFilters(raw: unknown, maxFilters = 10, maxValues = 5): Filter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ApiError('InvalidFilter', '`Filters` must be a list of {Name, Values}.');
  if (raw.length > maxFilters)
    throw new ApiError('InvalidParameterValue.LimitExceeded', `At most ${maxFilters} Filters.`);
  return raw.map((f, i) => {
    const values = f?.Values === undefined ? undefined : Array.isArray(f.Values) ? f.Values : Object.values(f.Values);
    if (!f || typeof f.Name !== 'string' || !values || values.some((v: unknown) => typeof v !== 'string')) {
      throw new ApiError('InvalidFilter', `Filters.${i} must have a Name and a list of string Values.`);
    }
    if (values.length > maxValues) {
      throw new ApiError(
        'InvalidParameterValue.LimitExceeded',
        `Filters.${i}.Values has more than ${maxValues} values.`,
      );
    }
    return { Name: f.Name, Values: values as string[] };
  });
}

/** Applies filters; `tag:<key>` names are looked up under the table's `tag:` entry with value `key=value`. */
export function applyFilters<T>(items: T[], filters: Filter[], table: FilterTable<T>): T[] {
  for (const f of filters) {
    const isTag = f.Name.startsWith('tag:');
    if (!isTag && !table[f.Name]) {
      throw new ApiError(
        'InvalidFilter',
        `The filter name \`${f.Name}\` is not supported (supported: ${Object.keys(table).join(', ')}).`,
      );
    }
    if (isTag && !table['tag:']) throw new ApiError('InvalidFilter', `The filter name \`${f.Name}\` is not supported.`);
  }
  return items.filter((item) =>
    filters.every((f) =>
      f.Name.startsWith('tag:')
        ? f.Values.some((v) => table['tag:'](item, `${f.Name.slice(4)}=${v}`))
        : f.Values.some((v) => table[f.Name](item, v)),
    ),
  );
}

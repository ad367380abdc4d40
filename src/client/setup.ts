/**
 * Production set-up of a namespace: the custom search attributes the pipeline writes (CvmRegion, …), all
 * Keyword. Idempotent: registers only what is missing, refuses a same-named attribute of another type.
 * Temporal Cloud does not take this call with a namespace API key: there `tcld` or the Cloud UI registers
 * them (cloudInstructions).
 */
import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from '../contract';

const { IndexedValueType } = temporal.api.enums.v1;
const KEYWORD = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

export interface SetupReport {
  namespace: string;
  /** Registered by this call. */
  added: string[];
  /** Already there with the right type. */
  present: string[];
}

export class SearchAttributeConflictError extends Error {
  constructor(readonly conflicts: { name: string; type: string }[]) {
    super(
      `search attribute(s) already registered with another type: ${conflicts
        .map((c) => `${c.name} is ${c.type}, the pipeline needs Keyword`)
        .join('; ')}`,
    );
    this.name = 'SearchAttributeConflictError';
  }
}

/** The server would not let this caller register attributes (Temporal Cloud with an API key, or no rights). */
export class SetupNotAllowedError extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: string[],
    cause: unknown,
  ) {
    super(`the server refused to register search attributes on ${namespace}: ${(cause as Error)?.message ?? cause}`);
    this.name = 'SetupNotAllowedError';
  }
}

/** What to run instead on Temporal Cloud, one line per missing attribute. */
export function cloudInstructions(namespace: string, missing: readonly string[] = SEARCH_ATTRIBUTE_NAMES): string {
  return [
    'On Temporal Cloud, register them with tcld (an account-level API key or login), or in the Cloud UI',
    `(Namespaces → ${namespace} → Search Attributes → Add, type Keyword):`,
    ...missing.map(
      (n) => `  tcld namespace search-attributes add --namespace ${namespace} --search-attribute "${n}=Keyword"`,
    ),
  ].join('\n');
}

const typeName = (t: number | null | undefined) =>
  (IndexedValueType[t ?? 0] ?? String(t)).replace(/^INDEXED_VALUE_TYPE_/, '').toLowerCase();

const DENIED = new Set([7 /* PERMISSION_DENIED */, 12 /* UNIMPLEMENTED */, 16 /* UNAUTHENTICATED */]);

export async function registerSearchAttributes(
  connection: Pick<ConnectionLike, 'operatorService'>,
  namespace: string,
): Promise<SetupReport> {
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = { ...listed.systemAttributes, ...listed.customAttributes } as Record<string, number>;
  const conflicts = SEARCH_ATTRIBUTE_NAMES.filter((n) => n in existing && existing[n] !== KEYWORD).map((name) => ({
    name,
    type: typeName(existing[name]),
  }));
  if (conflicts.length) throw new SearchAttributeConflictError(conflicts);
  const present = SEARCH_ATTRIBUTE_NAMES.filter((n) => n in existing);
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !(n in existing));
  if (missing.length) {
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
      });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && DENIED.has(code)) throw new SetupNotAllowedError(namespace, missing, err);
      throw err;
    }
  }
  return { namespace, added: missing, present };
}

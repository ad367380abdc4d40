/** `cvm-image setup` on a real server: registers what is missing, is idempotent, refuses a type conflict. */
import { randomUUID } from 'node:crypto';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { registerSearchAttributes, SearchAttributeConflictError } from '../../src/client/setup';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/contract';
import { waitFor } from '../helpers/emulator';
import { testClient } from '../helpers/temporal';

const { IndexedValueType } = temporal.api.enums.v1;
let connection: Connection;

beforeAll(async () => ({ connection } = await testClient()));
afterAll(async () => connection?.close());

async function freshNamespace(): Promise<string> {
  const namespace = `setup-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  // A new namespace reaches the server's namespace cache within seconds.
  await waitFor(
    () =>
      connection.operatorService.listSearchAttributes({ namespace }).then(
        () => true,
        () => undefined,
      ),
    {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `namespace ${namespace}`,
    },
  );
  return namespace;
}

it('registers the search attributes once, then finds them present', async () => {
  const namespace = await freshNamespace();
  const first = await registerSearchAttributes(connection, namespace);
  expect(first.added.sort()).toEqual([...SEARCH_ATTRIBUTE_NAMES].sort());
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  for (const n of SEARCH_ATTRIBUTE_NAMES)
    expect(listed.customAttributes?.[n]).toBe(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
  const again = await registerSearchAttributes(connection, namespace);
  expect(again.added).toEqual([]);
  expect(again.present.sort()).toEqual([...SEARCH_ATTRIBUTE_NAMES].sort());
});

it('refuses, naming it, an attribute registered with another type, and registers nothing', async () => {
  const namespace = await freshNamespace();
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: { CvmRegion: IndexedValueType.INDEXED_VALUE_TYPE_INT },
  });
  const err = await registerSearchAttributes(connection, namespace).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SearchAttributeConflictError);
  expect((err as Error).message).toContain('CvmRegion is int');
  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  expect(listed.customAttributes?.CvmInstanceId).toBeUndefined();
});

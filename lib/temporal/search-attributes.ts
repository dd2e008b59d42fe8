// Typed search attribute keys: every workflow carries connection, operation and target so operators
// find it in the Temporal UI and tools filter on them. Pure: safe in workflow code.
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from './names';

export const connectionKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.connection, SearchAttributeType.KEYWORD);
export const operationKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.operation, SearchAttributeType.KEYWORD);
export const targetKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.target, SearchAttributeType.KEYWORD);
/** Upserted by the workflows themselves: `M365Waiting = 'confirmation'` lists what waits for a person to decide. */
export const waitingKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.waiting, SearchAttributeType.KEYWORD);

export type WaitingAttribute = 'signIn' | 'confirmation' | 'none';

export interface WorkflowTags {
  operation: string;
  connection?: string;
  target?: string;
}

export function searchAttributesFor(tags: WorkflowTags): TypedSearchAttributes {
  const pairs = [{ key: operationKey, value: tags.operation }];
  if (tags.connection) pairs.push({ key: connectionKey, value: tags.connection });
  if (tags.target) pairs.push({ key: targetKey, value: tags.target });
  return new TypedSearchAttributes(pairs);
}

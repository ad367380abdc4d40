/** The custom search attributes an operator filters pipelines by in the Temporal UI and CLI. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CvmRegion = defineSearchAttributeKey('CvmRegion', SearchAttributeType.KEYWORD);
export const CvmInstanceId = defineSearchAttributeKey('CvmInstanceId', SearchAttributeType.KEYWORD);
export const CvmImageId = defineSearchAttributeKey('CvmImageId', SearchAttributeType.KEYWORD);
export const CvmPipelineStage = defineSearchAttributeKey('CvmPipelineStage', SearchAttributeType.KEYWORD);
/** The stage a failed or cancelled run was in (CvmPipelineStage moves on to compensating, failed, cancelled). */
export const CvmFailedStage = defineSearchAttributeKey('CvmFailedStage', SearchAttributeType.KEYWORD);
/** What compensation undid, one entry per undo step with its ids, e.g. "delete image (…) img-1". */
export const CvmUndone = defineSearchAttributeKey('CvmUndone', SearchAttributeType.KEYWORD_LIST);

export const SEARCH_ATTRIBUTES = [CvmRegion, CvmInstanceId, CvmImageId, CvmPipelineStage, CvmFailedStage, CvmUndone];

/** Registered on every dev server the project starts (CLI spelling of the type). */
export const SEARCH_ATTRIBUTE_NAMES = SEARCH_ATTRIBUTES.map((k) => k.name);
export const SEARCH_ATTRIBUTE_FLAGS = SEARCH_ATTRIBUTES.map(
  (k) => `${k.name}=${k.type === SearchAttributeType.KEYWORD_LIST ? 'KeywordList' : 'Keyword'}`,
);

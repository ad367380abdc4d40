/** The custom search attributes an operator filters pipelines by in the Temporal UI and CLI. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CvmRegion = defineSearchAttributeKey('CvmRegion', SearchAttributeType.KEYWORD);
export const CvmInstanceId = defineSearchAttributeKey('CvmInstanceId', SearchAttributeType.KEYWORD);
export const CvmImageId = defineSearchAttributeKey('CvmImageId', SearchAttributeType.KEYWORD);
export const CvmPipelineStage = defineSearchAttributeKey('CvmPipelineStage', SearchAttributeType.KEYWORD);

/** Registered (all Keyword) on every dev server the project starts. */
export const SEARCH_ATTRIBUTE_NAMES = [CvmRegion, CvmInstanceId, CvmImageId, CvmPipelineStage].map((k) => k.name);

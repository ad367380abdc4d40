import { parseExecutionStatus, pipelineListQuery } from '../../src/client/list-query';

describe('pipelineListQuery', () => {
  it('always restricts to the pipeline workflow type', () => {
    expect(pipelineListQuery()).toBe("WorkflowType = 'createCustomImage'");
  });

  it('combines every filter with AND on the search attributes', () => {
    expect(
      pipelineListQuery({
        region: 'ap-guangzhou',
        instanceId: 'ins-abc12345',
        stage: 'waiting-for-image',
        status: 'Running',
      }),
    ).toBe(
      "WorkflowType = 'createCustomImage' AND CvmRegion = 'ap-guangzhou' AND CvmInstanceId = 'ins-abc12345'" +
        " AND CvmPipelineStage = 'waiting-for-image' AND ExecutionStatus = 'Running'",
    );
  });

  it('escapes quotes so a value cannot widen the query', () => {
    const q = pipelineListQuery({ region: "x' OR CvmRegion != '" });
    expect(q).toBe("WorkflowType = 'createCustomImage' AND CvmRegion = 'x\\' OR CvmRegion != \\''");
  });

  it('accepts one spelling set in any case: cancelled/canceled for the status and the stage', () => {
    for (const spelling of ['CANCELLED', 'Canceled', 'cancelled', 'canceled']) {
      expect(parseExecutionStatus(spelling)).toBe('Canceled');
      expect(pipelineListQuery({ stage: spelling, status: spelling })).toBe(
        "WorkflowType = 'createCustomImage' AND CvmPipelineStage = 'cancelled' AND ExecutionStatus = 'Canceled'",
      );
    }
    expect(parseExecutionStatus('TIMED_OUT')).toBe('TimedOut');
    expect(parseExecutionStatus('continued-as-new')).toBe('ContinuedAsNew');
    expect(parseExecutionStatus('RUNNING')).toBe('Running');
    expect(parseExecutionStatus('done')).toBeUndefined();
    expect(() => pipelineListQuery({ status: 'done' })).toThrow(/status: "done" is not one of Running/);
  });
});

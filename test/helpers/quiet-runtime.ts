/** Keeps worker logs to warnings and errors so jest output stays readable. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });

import { SyncRunner } from '../../core/runners/sync.ts';
import { describeConformance } from './suite.ts';

describeConformance('sync', (tube) => new SyncRunner(tube));

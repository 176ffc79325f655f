import type { CommandHandlers } from '../../commandIds';
import type { ExperimentAnalyzer } from '../analysis';
import { allocateExperts } from './allocate';
import { applySuggestedAllocation } from './applySuggested';
import { exportExpertMap } from './exportMap';
import { newExperiment } from './newExperiment';

export type EditorCommandId = 'smoe.newExperiment' | 'smoe.allocateExperts' | 'smoe.applySuggestedAllocation' | 'smoe.exportExpertMap';

/** The editor's command handlers; each accepts an optional options object so tests can run it without UI. */
export function editorCommands(analyzer: ExperimentAnalyzer): CommandHandlers<EditorCommandId> {
  return {
    'smoe.newExperiment': (arg?: unknown) => newExperiment(arg),
    'smoe.allocateExperts': (arg?: unknown) => allocateExperts(analyzer, arg),
    'smoe.applySuggestedAllocation': (arg?: unknown) => applySuggestedAllocation(analyzer, arg),
    'smoe.exportExpertMap': (arg?: unknown) => exportExpertMap(analyzer, arg),
  };
}

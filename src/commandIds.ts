/** Every command the manifest contributes; `test/integration` checks this list against package.json. */
export const COMMAND_IDS = [
  'smoe.newExperiment',
  'smoe.allocateExperts',
  'smoe.applySuggestedAllocation',
  'smoe.exportExpertMap',
  'smoe.probe',
  'smoe.train',
  'smoe.evaluate',
  'smoe.cancelRun',
  'smoe.openDashboard',
  'smoe.compareRuns',
  'smoe.runSweep',
  'smoe.exportAdapter',
  'smoe.showLogs',
  'smoe.createDemoWorkspace',
  'smoe.refreshExperiments',
  'smoe.openRunFolder',
  'smoe.resumeRun',
  'smoe.trainWith',
  'smoe.deleteRun',
  'smoe.labelRun',
  'smoe.editRunNote',
  'smoe.exportTrainingJob',
  'smoe.importRunFolder',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Commands that execute model code or write runs: refused in untrusted workspaces. */
export const TRUSTED_ONLY: ReadonlySet<CommandId> = new Set<CommandId>(['smoe.probe', 'smoe.train', 'smoe.evaluate', 'smoe.createDemoWorkspace', 'smoe.resumeRun', 'smoe.trainWith', 'smoe.exportTrainingJob', 'smoe.runSweep']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;
/** Handlers for some of the commands (one feature folder's share). */
export type CommandHandlers<K extends CommandId> = Record<K, CommandHandler>;
/** A handler for every contributed command: a command without one does not compile. */
export type CommandTable = CommandHandlers<CommandId>;

/** The `smoe` command table: name -> lazy loader of its implementation (each returns an exit code). */
export type CommandRunner = (argv: string[]) => Promise<number>;

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRunner>;
}

export const commands: Record<string, CommandEntry> = {
  demo: {
    summary: 'write a demo workspace and run probe → allocate → train → evaluate on it (--quick: ~2 min)',
    load: async () => (await import('./demo')).runDemoCommand,
  },
};

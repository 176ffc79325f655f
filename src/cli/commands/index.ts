/** The `smoe` command table: name -> lazy loader of its implementation (each returns an exit code). */
export type CommandRunner = (argv: string[]) => Promise<number>;

export interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRunner>;
}

export const commands: Record<string, CommandEntry> = {
};

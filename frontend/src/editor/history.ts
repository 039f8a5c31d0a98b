/**
 * Undo/redo as a stack of API operations with their inverse. A deleted node comes back with a
 * new server id, so commands name nodes by the id they first had and resolve it through `Ids`.
 */

export interface Command {
  label: string;
  run(): Promise<void>;
  revert(): Promise<void>;
}

/** Maps the id a thing first had to the id it has now (after being re-created). */
export class Ids {
  private current = new Map<string, string>();

  resolve(original: string): string {
    return this.current.get(original) ?? original;
  }

  /** Records that whatever `original` named is now `now`. */
  moved(original: string, now: string): void {
    if (original === now) this.current.delete(original);
    else this.current.set(original, now);
  }

  clear(): void {
    this.current.clear();
  }
}

export class History {
  private past: Command[] = [];
  private future: Command[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly limit: number;
  private readonly onChange: () => void;

  constructor(onChange: () => void = () => {}, limit = 100) {
    this.onChange = onChange;
    this.limit = limit;
  }

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get undoLabel(): string | null {
    return this.past.at(-1)?.label ?? null;
  }

  get redoLabel(): string | null {
    return this.future.at(-1)?.label ?? null;
  }

  /** Runs a new command; on success it becomes undoable and the redo stack is dropped. */
  execute(command: Command): Promise<void> {
    return this.serial(async () => {
      await command.run();
      this.past.push(command);
      if (this.past.length > this.limit) this.past.shift();
      this.future = [];
    });
  }

  /** Records a command whose effect already happened (e.g. a node drag). */
  record(command: Command): void {
    this.past.push(command);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.onChange();
  }

  undo(): Promise<boolean> {
    return this.serial(async () => {
      const command = this.past.pop();
      if (!command) return false;
      try {
        await command.revert();
      } catch (error) {
        this.past.push(command);
        throw error;
      }
      this.future.push(command);
      return true;
    });
  }

  redo(): Promise<boolean> {
    return this.serial(async () => {
      const command = this.future.pop();
      if (!command) return false;
      try {
        await command.run();
      } catch (error) {
        this.future.push(command);
        throw error;
      }
      this.past.push(command);
      return true;
    });
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.onChange();
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.queue.then(step).finally(() => this.onChange());
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** One command made of several, undone in reverse order. */
export function sequence(label: string, steps: Command[]): Command {
  return {
    label,
    async run() {
      for (const step of steps) await step.run();
    },
    async revert() {
      for (const step of [...steps].reverse()) await step.revert();
    },
  };
}

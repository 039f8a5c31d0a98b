/**
 * Undo/redo as a stack of API operations with their inverse. A deleted node may come back with a
 * new server id, so commands name nodes by the id they first had and resolve it through `Ids`.
 */

export interface Command {
  label: string;
  run(): Promise<void>;
  revert(): Promise<void>;
}

/**
 * Follows things that were deleted and re-created: each dead id points at its successor, so any
 * id a command remembers resolves to the one the thing has now. Server ids are never reused.
 */
export class Ids {
  private successor = new Map<string, string>();

  resolve(id: string): string {
    let current = id;
    for (let hops = 0; hops < 1000; hops += 1) {
      const next = this.successor.get(current);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  }

  /** Records that whatever `id` (or its successors) named is now called `now`. */
  moved(id: string, now: string): void {
    const last = this.resolve(id);
    if (last !== now) this.successor.set(last, now);
  }

  clear(): void {
    this.successor.clear();
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

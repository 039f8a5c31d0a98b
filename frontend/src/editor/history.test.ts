import { describe, expect, it } from "vitest";
import { type Command, History, Ids, sequence } from "./history";

function counter(log: string[], name: string): Command {
  return {
    label: name,
    run: async () => void log.push(`run ${name}`),
    revert: async () => void log.push(`revert ${name}`),
  };
}

describe("History", () => {
  it("undoes and redoes in order", async () => {
    const log: string[] = [];
    const history = new History();
    await history.execute(counter(log, "a"));
    await history.execute(counter(log, "b"));
    await history.undo();
    await history.undo();
    await history.redo();
    expect(log).toEqual(["run a", "run b", "revert b", "revert a", "run a"]);
    expect(history.undoLabel).toBe("a");
    expect(history.redoLabel).toBe("b");
  });

  it("drops the redo stack on a new command", async () => {
    const log: string[] = [];
    const history = new History();
    await history.execute(counter(log, "a"));
    await history.undo();
    await history.execute(counter(log, "b"));
    expect(history.canRedo).toBe(false);
    expect(await history.redo()).toBe(false);
  });

  it("keeps a command whose undo failed", async () => {
    const history = new History();
    await history.execute({
      label: "x",
      run: async () => {},
      revert: async () => {
        throw new Error("409");
      },
    });
    await expect(history.undo()).rejects.toThrow("409");
    expect(history.canUndo).toBe(true);
  });

  it("records an effect that already happened", async () => {
    const log: string[] = [];
    const history = new History();
    history.record(counter(log, "move"));
    await history.undo();
    expect(log).toEqual(["revert move"]);
  });

  it("undoes a sequence in reverse", async () => {
    const log: string[] = [];
    const history = new History();
    await history.execute(sequence("both", [counter(log, "a"), counter(log, "b")]));
    await history.undo();
    expect(log).toEqual(["run a", "run b", "revert b", "revert a"]);
  });
});

describe("Ids", () => {
  it("follows a re-created node through every id it had", () => {
    const ids = new Ids();
    expect(ids.resolve("c-1")).toBe("c-1");
    ids.moved("c-1", "c-2");
    ids.moved("c-2", "c-3");
    expect(ids.resolve("c-1")).toBe("c-3");
    // re-created again, named by its first id: older and newer names follow
    ids.moved("c-1", "c-4");
    expect(ids.resolve("c-1")).toBe("c-4");
    expect(ids.resolve("c-2")).toBe("c-4");
    expect(ids.resolve("c-3")).toBe("c-4");
  });

  it("ignores a move onto itself", () => {
    const ids = new Ids();
    ids.moved("c-1", "c-1");
    expect(ids.resolve("c-1")).toBe("c-1");
  });
});

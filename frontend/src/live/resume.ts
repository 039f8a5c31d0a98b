/**
 * Where a client is in each partition: the last offset it has. `since` hands it to the server
 * on reconnect (`?since=0-41,1-17`), which then sends what was missed, without duplicates.
 */
export class ResumePoint {
  private last = new Map<number, number>();

  /** Records the offset; false if the client already had it (a duplicate to drop). */
  advance(partition: number, offset: number): boolean {
    const last = this.last.get(partition);
    if (last !== undefined && offset <= last) return false;
    this.last.set(partition, offset);
    return true;
  }

  /**
   * Takes the server's `position` notice (`{"type": "position", "since": "0-41,1-17"}`):
   * where this client stands in every partition, also those it has no record of yet, so a
   * reconnect misses nothing produced meanwhile in a quiet partition.
   */
  place(since: string): void {
    for (const part of since.split(",")) {
      const dash = part.indexOf("-");
      const partition = Number(part.slice(0, dash));
      const offset = Number(part.slice(dash + 1));
      if (dash < 1 || !Number.isInteger(partition) || !Number.isInteger(offset)) continue;
      const last = this.last.get(partition);
      if (last === undefined || offset > last) this.last.set(partition, offset);
    }
  }

  /** `<partition>-<offset>` per partition known, in partition order; "" before any. */
  get since(): string {
    return [...this.last.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partition, offset]) => `${partition}-${offset}`)
      .join(",");
  }

  clear(): void {
    this.last.clear();
  }
}

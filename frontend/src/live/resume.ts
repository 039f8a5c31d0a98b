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

  /** `<partition>-<offset>` per partition seen, in partition order; "" before any record. */
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

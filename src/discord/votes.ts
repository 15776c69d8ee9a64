/**
 * One 👍/👎 per person per reply. Kept in memory only, so the feedback file
 * still holds nothing about voters; a restart forgets who voted, which at
 * worst lets a person vote once more on an old reply. Bounded: the oldest
 * entries go first once a long-running bot has seen `capacity` votes.
 */
export class VoteLedger {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /**
   * Takes this person's vote on this reply, or false if it was taken already. The check and the
   * taking are one step: two fast clicks cannot both pass while the first is still being written.
   */
  claim(messageId: string, userId: string): boolean {
    const key = `${messageId}:${userId}`;
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(key);
    return true;
  }

  /** Gives a claimed vote back (its write failed, or it was turned away), so the person may vote again. */
  release(messageId: string, userId: string): void {
    this.seen.delete(`${messageId}:${userId}`);
  }
}

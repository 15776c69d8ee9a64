/**
 * One 👍/👎 per person per reply. Kept in memory only, so the feedback file
 * still holds nothing about voters; a restart forgets who voted, which at
 * worst lets a person vote once more on an old reply. Bounded: the oldest
 * entries go first once a long-running bot has seen `capacity` votes.
 */
export class VoteLedger {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 100_000) {}

  /** Whether this person has already voted on this reply. */
  voted(messageId: string, userId: string): boolean {
    return this.seen.has(`${messageId}:${userId}`);
  }

  /** Counts the vote: called once it is written, so a failed write leaves the person free to vote again. */
  count(messageId: string, userId: string): void {
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(`${messageId}:${userId}`);
  }
}

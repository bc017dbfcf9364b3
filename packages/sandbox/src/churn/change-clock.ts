/**
 * The sandbox's clock for change times (in the unit of the provider's timestamps): the wall clock,
 * but never at or before a time it already gave out or a time the data already holds, so two churns
 * in the same tick still get increasing times, and a change or a new order always sorts above
 * everything before it, even when the data holds times ahead of the machine's clock.
 */
export class ChangeClock {
  private last = Number.NEGATIVE_INFINITY;

  /**
   * A time strictly after every time given out or observed so far, and after `latestInData`.
   * @param wallClock the current time in the clock's unit
   * @param latestInData the latest time the data holds (e.g. the largest `updatedAt`)
   */
  next(wallClock: number, latestInData = Number.NEGATIVE_INFINITY): number {
    this.last = Math.max(wallClock, this.last + 1, latestInData + 1);
    return this.last;
  }

  /** Records a time given out elsewhere (an `updatedAt` pushed past the churn's time). */
  observe(epochMillis: number): void {
    if (epochMillis > this.last) this.last = epochMillis;
  }
}

/**
 * The sandbox's clock for FlexPortal change times (milliseconds, as FlexPortal timestamps are): the
 * wall clock, but never at or before a time it already gave out, so two churns in the same
 * millisecond still get distinct, increasing `updatedAt` values and a newer change always sorts
 * above an older one.
 */
export class ChangeClock {
  private last = Number.NEGATIVE_INFINITY;

  /** A time strictly after every time given out or observed so far, epoch ms. */
  nextMillis(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }

  /** Records a time given out elsewhere (an `updatedAt` pushed past the churn's time). */
  observe(epochMillis: number): void {
    if (epochMillis > this.last) this.last = epochMillis;
  }
}

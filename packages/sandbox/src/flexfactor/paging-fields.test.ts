import { describe, expect, it } from 'vitest';
import { pagingFields } from './flexfactor-routes.js';

describe('pagingFields (X.PagedList semantics)', () => {
  it('matches the seed example', () => {
    expect(pagingFields(1, 10, 2, 2)).toEqual({
      firstItemOnPage: 1,
      hasNextPage: false,
      hasPreviousPage: false,
      isFirstPage: true,
      isLastPage: true,
      lastItemOnPage: 2,
      pageCount: 1,
      pageNumber: 1,
      pageSize: 10,
      totalItemCount: 2,
    });
  });

  it('reports 0 for first/last item on an empty page', () => {
    expect(pagingFields(4, 10, 25, 0)).toMatchObject({
      firstItemOnPage: 0,
      lastItemOnPage: 0,
      pageCount: 3,
    });
    expect(pagingFields(1, 10, 0, 0)).toMatchObject({
      pageCount: 0,
      isFirstPage: true,
      isLastPage: true,
    });
  });
});

import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { Release } from '@release-ledger/plugin-release-ledger-common';
import { type ListReleasesFilter, releaseLedgerApiRef } from '../api';

type State = {
  releases: Release[];
  nextCursor?: string;
  /** Loading the first page. */
  loading: boolean;
  /** Error of the first page. */
  error?: Error;
  loadingMore: boolean;
  /** Error of the last "load more"; the pages loaded so far are kept. */
  loadMoreError?: Error;
};

/**
 * Releases matching a filter, newest first, one page at a time: the first
 * page on mount, further pages with `loadMore` (using `nextCursor`).
 */
export function useReleasePages(filter: Omit<ListReleasesFilter, 'cursor'>) {
  const api = useApi(releaseLedgerApiRef);
  const filterKey = JSON.stringify(filter);
  const [state, setState] = useState<State>({
    releases: [],
    loading: true,
    loadingMore: false,
  });
  // Guards against answers for a previous filter arriving late.
  const generation = useRef(0);

  useEffect(() => {
    const current = ++generation.current;
    setState({ releases: [], loading: true, loadingMore: false });
    api.listReleases(JSON.parse(filterKey)).then(
      page => {
        if (current === generation.current) {
          setState({
            releases: page.items,
            nextCursor: page.nextCursor,
            loading: false,
            loadingMore: false,
          });
        }
      },
      error => {
        if (current === generation.current) {
          setState({
            releases: [],
            loading: false,
            loadingMore: false,
            error,
          });
        }
      },
    );
  }, [api, filterKey]);

  const { nextCursor, loadingMore } = state;
  const loadMore = useCallback(() => {
    if (!nextCursor || loadingMore) {
      return;
    }
    const current = generation.current;
    setState(s => ({ ...s, loadingMore: true, loadMoreError: undefined }));
    api.listReleases({ ...JSON.parse(filterKey), cursor: nextCursor }).then(
      page => {
        if (current === generation.current) {
          setState(s => {
            const seen = new Set(s.releases.map(r => r.releaseId));
            return {
              ...s,
              releases: [
                ...s.releases,
                ...page.items.filter(r => !seen.has(r.releaseId)),
              ],
              nextCursor: page.nextCursor,
              loadingMore: false,
            };
          });
        }
      },
      error => {
        if (current === generation.current) {
          setState(s => ({ ...s, loadingMore: false, loadMoreError: error }));
        }
      },
    );
  }, [api, filterKey, nextCursor, loadingMore]);

  return { ...state, hasMore: Boolean(nextCursor), loadMore };
}

import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { type GetMetricsRequest, releaseLedgerApiRef } from '../api';

/**
 * Metrics for a request. While a new request loads, the previous answer
 * stays in `value` (with `loading` set), so pickers do not blank the page.
 */
export function useMetrics(request: GetMetricsRequest) {
  const api = useApi(releaseLedgerApiRef);
  const { scope, ref, window, bandSet } = request;
  return useAsync(
    () => api.getMetrics({ scope, ref, window, bandSet }),
    [api, scope, ref, window, bandSet],
  );
}

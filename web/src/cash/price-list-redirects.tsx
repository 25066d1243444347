import { Navigate, useParams } from 'react-router';

// A price list has its own editor (items, tiers, trial calculation); the generic record route
// that lists, lookups and the global search open leads there.
export function PriceListRecordRedirect() {
  const { id = '' } = useParams();
  return <Navigate to={`/cash/price-lists/${encodeURIComponent(id)}`} replace />;
}

import { Navigate, useLocation, useParams } from 'react-router';

// Quotes have their own builder page (lines, live pricing, versions, actions); the generic
// object routes that lists, related lists and the global search open lead there, keeping the query.

export function QuoteRecordRedirect() {
  const { id = '' } = useParams();
  return <Navigate to={`/cash/quotes/${encodeURIComponent(id)}`} replace />;
}

export function QuoteNewRedirect() {
  const { search } = useLocation();
  return <Navigate to={`/cash/quotes/new${search}`} replace />;
}

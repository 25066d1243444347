import { Navigate, useLocation, useParams } from 'react-router';

// Orders have their own pages (lines, confirm, cancel); the generic object routes that lists,
// related lists and the global search open lead there, keeping the query (?account_id=…).

export function OrderRecordRedirect() {
  const { id = '' } = useParams();
  return <Navigate to={`/cash/orders/${encodeURIComponent(id)}`} replace />;
}

export function OrderNewRedirect() {
  const { search } = useLocation();
  return <Navigate to={`/cash/orders/new${search}`} replace />;
}

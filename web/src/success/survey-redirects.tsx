import { Navigate, useLocation, useParams } from 'react-router';

// A survey has its own page (status steps, question builder, sending, results); the generic record
// route that lists, lookups, notifications and the global search open leads there, keeping the
// query (?tab=questions, ?from=…).
export function SurveyRecordRedirect() {
  const { id = '' } = useParams();
  const { search } = useLocation();
  return <Navigate to={`/success/surveys/${encodeURIComponent(id)}${search}`} replace />;
}

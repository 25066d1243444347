/**
 * The query string as it is now. react-router's functional `setSearchParams` hands over the
 * params of the last render, and navigation renders in a transition: on a busy machine a second
 * quick change (week, then this quarter) was computed from the URL before the first and undid it.
 */
export function liveSearch(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

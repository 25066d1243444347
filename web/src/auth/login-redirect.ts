/** Only same-app paths may be a post-login target; anything else could be an open redirect. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

export function loginPath(currentPath: string, expired: boolean): string {
  const params = new URLSearchParams();
  if (currentPath && currentPath !== '/') params.set('next', currentPath);
  if (expired) params.set('expired', '1');
  const s = params.toString();
  return s ? `/login?${s}` : '/login';
}

import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './http-client';
import { useMe } from './queries';

export interface UserRef {
  id: string;
  name: string;
  email: string;
}

/**
 * People a user field can point to. The server has a user directory for admins only, so
 * other roles can pick themselves (plus whoever is already in the value).
 */
export function useUserDirectory(): UserRef[] {
  const me = useMe().data;
  const isAdmin = me?.role.is_admin === true;
  const q = useQuery({
    queryKey: ['admin', 'users'],
    queryFn: () =>
      apiFetch<{ data: (UserRef & { status: string })[] }>('/api/v1/admin/users').then((r) => r.data),
    enabled: isAdmin,
    staleTime: 300_000,
  });
  if (isAdmin && q.data) return q.data.filter((u) => u.status === 'active');
  return me ? [{ id: me.user.id, name: me.user.name, email: me.user.email }] : [];
}

// supabase-js clients whose every request carries the action's deadline and cancel: supabase-js 2.109
// takes a custom fetch (`global.fetch`), used by PostgREST, Storage and Auth alike.

export type Client = import('@supabase/supabase-js').SupabaseClient;

/** A signal aborted when any of these is (AbortSignal.any arrived in Node 20.3; engines allow 20.0). */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** fetch, aborted when the action is cancelled or runs out of time (and by the caller's own signal). */
export function boundFetch(signal: AbortSignal): typeof fetch {
  return async (input, init = {}) => {
    try {
      return await fetch(input, { ...init, signal: init.signal ? anySignal([signal, init.signal]) : signal });
    } catch (error) {
      // A deadline aborts with a TimeoutError, which postgrest-js retries (for seconds, without the
      // signal): an AbortError is what every supabase-js client stops at.
      if (signal.aborted) throw new DOMException('The operation was aborted', 'AbortError');
      throw error;
    }
  };
}

export async function supabaseClient(url: string, key: string, fetchImpl: typeof fetch): Promise<Client> {
  const [{ createClient }, { default: ws }] = await Promise.all([import('@supabase/supabase-js'), import('ws')]);
  // Node 20 has no native WebSocket: supabase-js needs `ws` for its realtime client.
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: ws as unknown as typeof WebSocket },
    global: { fetch: fetchImpl },
  });
}

/** Which key a verb uses: the service-role (secret) key when there is one, else anon. */
export interface KeyChoice {
  key: string;
  kind: 'service-role' | 'anon';
}

export function pickKey(supabase: { serviceRoleKey?: string; anonKey?: string }): KeyChoice | undefined {
  if (supabase.serviceRoleKey) return { key: supabase.serviceRoleKey, kind: 'service-role' };
  if (supabase.anonKey) return { key: supabase.anonKey, kind: 'anon' };
  return undefined;
}

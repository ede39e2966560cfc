/**
 * What the page needs to know about the deployment, from Confab's
 * `/client-config.json`: the XMPP domains and the WebSocket path.
 */

export interface ClientConfig {
  domain: string;
  /** Anonymous logins happen here. */
  guestDomain: string;
  /** Rooms are `<room>@<mucDomain>`. */
  mucDomain: string;
  /** The conference focus component. */
  focusDomain: string;
  /** Same-origin path of the XMPP WebSocket (RFC 7395). */
  websocketPath: string;
}

const KEYS = ['domain', 'guestDomain', 'mucDomain', 'focusDomain', 'websocketPath'] as const;

export async function loadClientConfig(fetchImpl: typeof fetch = fetch): Promise<ClientConfig> {
  let body: unknown;
  try {
    const response = await fetchImpl('/client-config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new Error(
      `Cannot reach the Confab server (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  return parseClientConfig(body);
}

export function parseClientConfig(body: unknown): ClientConfig {
  if (typeof body !== 'object' || body === null)
    throw new Error('The server sent an unreadable configuration.');
  const record = body as Record<string, unknown>;
  const config: Partial<ClientConfig> = {};
  for (const key of KEYS) {
    const value = record[key];
    if (typeof value !== 'string' || value === '')
      throw new Error(`The server configuration has no ${key}.`);
    config[key] = value;
  }
  return config as ClientConfig;
}

/** ws:// or wss:// on the page's own origin. */
export function websocketUrl(config: ClientConfig, location: Pick<Location, 'protocol' | 'host'>) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${config.websocketPath}`;
}

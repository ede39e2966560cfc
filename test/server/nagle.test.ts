// Nagle's algorithm stays off on every XMPP socket Confab controls, so that
// the ~40 ms delayed-ACK stall per hop cannot silently come back. Prosody's
// ends are read from the real sockets (getsockopt TCP_NODELAY through its
// admin shell); Node's ends are the sockets setNoDelay(true) was called on.
import { Socket } from 'node:net';
import { startTestConfab, type TestConfab } from '../harness/confab';

let world: TestConfab;
const setNoDelay = jest.spyOn(Socket.prototype, 'setNoDelay');

/** Node sockets on which Nagle was turned off (setNoDelay(true) or setNoDelay()). */
function nodelaySockets(): Socket[] {
  return setNoDelay.mock.contexts.filter(
    (_, i) => setNoDelay.mock.calls[i]?.[0] !== false,
  ) as Socket[];
}

beforeAll(async () => {
  world = await startTestConfab();
});

afterAll(async () => {
  setNoDelay.mockRestore();
  await world?.stop();
});

test('Prosody, the component, bots and the WebSocket proxy all run without Nagle', async () => {
  const room = world.room('nagle');
  const overTcp = await world.bot('tcp', room, { requestConference: false });
  const overWebSocket = await world.bot('ws', room, {
    service: `${world.url.replace('http', 'ws')}/xmpp-websocket`,
    requestConference: false,
  });
  const { confab } = world;

  // Node's ends: the component's and the TCP bot's sockets, and both legs of
  // the WebSocket tunnel (browser side on Confab's HTTP port, Prosody side).
  const sockets = nodelaySockets();
  expect({
    component: sockets.includes(confab.component.entity.socket as Socket),
    bot: sockets.includes(overTcp.xmpp.socket as Socket),
    proxyFromBrowser: sockets.some((s) => s.localPort === confab.ports.http),
    proxyToProsody: sockets.some((s) => s.remotePort === confab.ports.prosodyHttp),
  }).toEqual({ component: true, bot: true, proxyFromBrowser: true, proxyToProsody: true });

  // Prosody's ends: every client session (TCP and WebSocket) and the component.
  const prosody = confab.prosody;
  if (!prosody) throw new Error('no embedded Prosody');
  const lua = [
    'local r = {}',
    'for _, s in pairs(prosody.full_sessions) do',
    '  r[#r + 1] = (s.websocket_request and "ws" or "tcp")',
    '    .. "=" .. tostring(s.conn:socket():getoption("tcp-nodelay")) end',
    `local c = prosody.hosts[${JSON.stringify(`focus.${world.domain}`)}].modules.component.session`,
    'r[#r + 1] = "component=" .. tostring(c.conn:socket():getoption("tcp-nodelay"))',
    'table.sort(r) return "nodelay: " .. table.concat(r, " ")',
  ].join(' ');
  const out = await prosody.shell(`> ${lua}`, /nodelay: /);
  const found = /nodelay: ([^\n]*)/.exec(out)?.[1]?.trim().split(' ') ?? [];
  expect(found).toEqual(['component=true', 'tcp=true', 'ws=true']);

  await overTcp.leave();
  await overWebSocket.leave();
});

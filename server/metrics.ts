/**
 * Confab's Prometheus metrics, rendered by prom-client: the focus and SFU
 * counts, join-time and IQ-latency histograms, stanzas by direction, budget
 * refusals, the state of Prosody, the component link, the workers and TURN,
 * and the process's own figures (CPU, memory, file descriptors, event loop).
 * Counts of events come from the parts' events; gauges are read at scrape.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ComponentConnection } from '../component/ComponentConnection';
import type { Focus, FocusCounts } from '../focus/Focus';
import type { WorkerPool } from '../focus/sfu/WorkerPool';
import type { ProsodyProcess } from '../prosody/ProsodyProcess';
import type { TurnServer } from '../turn/TurnServer';
import type { TurnMetrics } from '../turn/metrics';

export interface MetricSources {
  focus: Focus;
  component: ComponentConnection;
  workers: WorkerPool;
  /** The embedded Prosody, or null with an external one. */
  prosody: ProsodyProcess | null;
  turn: TurnServer | null;
}

const FOCUS_GAUGES: [keyof FocusCounts, string][] = [
  ['conferences', 'Conferences the focus holds'],
  ['rooms', 'Rooms the focus is in'],
  ['participants', 'Participants in a Jingle session with the focus'],
  ['routers', 'mediasoup routers'],
  ['transports', 'WebRTC transports'],
  ['producers', 'Tracks participants send'],
  ['consumers', 'Tracks forwarded to participants'],
  ['mixers', 'Audio mixes the SFU makes (switched sessions)'],
  ['switches', 'Video switches the SFU runs (switched sessions)'],
];

/** TURN counters with one series per direction. */
const TURN_DIRECTIONS: Partial<
  Record<keyof TurnMetrics, { name: string; help: string; direction: string }>
> = {
  relayedPacketsToPeer: {
    name: 'relayed_packets',
    help: 'Packets relayed',
    direction: 'to-peer',
  },
  relayedPacketsToClient: {
    name: 'relayed_packets',
    help: 'Packets relayed',
    direction: 'to-client',
  },
  relayedBytesToPeer: {
    name: 'relayed_bytes',
    help: 'Payload bytes relayed',
    direction: 'to-peer',
  },
  relayedBytesToClient: {
    name: 'relayed_bytes',
    help: 'Payload bytes relayed',
    direction: 'to-client',
  },
};
/** TURN figures that are sums of others, or gauges. */
const TURN_SKIPPED = new Set<keyof TurnMetrics>([
  'relayedPackets',
  'relayedBytes',
  'allocationsActive',
]);

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/**
 * A counter that follows cumulative figures read at scrape time (one per
 * label set), for parts that keep their own totals.
 */
function followingCounter(
  registers: Registry[],
  options: { name: string; help: string; labelNames?: string[] },
  series: { labels: Record<string, string>; read: () => number }[],
): void {
  const last = series.map(() => 0);
  const counter = new Counter({
    ...options,
    labelNames: options.labelNames ?? [],
    registers,
    collect() {
      series.forEach(({ labels, read }, i) => {
        const now = read();
        if (now > (last[i] ?? 0)) this.inc(labels, now - (last[i] ?? 0));
        last[i] = Math.max(last[i] ?? 0, now);
      });
    },
  });
  for (const { labels } of series) counter.inc(labels, 0); // every series shows from the start
}

export class ConfabMetrics {
  readonly registry = new Registry();

  constructor(s: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    // --- the focus ------------------------------------------------------------------------------
    for (const [key, help] of FOCUS_GAUGES) {
      new Gauge({
        name: `confab_focus_${key}`,
        help,
        registers,
        collect() {
          this.set(s.focus.counts()[key]);
        },
      });
    }
    followingCounter(
      registers,
      {
        name: 'confab_focus_stanzas_sent_total',
        help: 'Stanzas the focus sent on its own (Jingle, speaker announcements)',
      },
      [{ labels: {}, read: () => s.focus.counts().stanzasSent }],
    );
    const joins = new Histogram({
      name: 'confab_focus_join_seconds',
      help: 'From session-initiate to the participant’s media connecting',
      buckets: [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20],
      registers,
    });
    s.focus.on('joined', (seconds) => joins.observe(seconds));
    const refused = new Counter({
      name: 'confab_focus_budget_refusals_total',
      help: 'Requests refused for exceeding their sender’s budget',
      labelNames: ['kind', 'verdict'],
      registers,
    });
    s.focus.on('limited', (kind, verdict) => refused.inc({ kind, verdict }));

    // --- the XMPP link ----------------------------------------------------------------------------
    const stanzas = new Counter({
      name: 'confab_xmpp_stanzas_total',
      help: 'Stanzas on the component link to Prosody',
      labelNames: ['direction'],
      registers,
    });
    for (const direction of ['in', 'out']) stanzas.inc({ direction }, 0);
    s.component.on('traffic', (direction) => stanzas.inc({ direction }));
    const iqs = new Histogram({
      name: 'confab_xmpp_iq_seconds',
      help: 'IQ latency: handling of requests to the focus (in), replies to its requests (out)',
      labelNames: ['direction', 'payload'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    s.component.router.on('handled', ({ payload, seconds }) =>
      iqs.observe({ direction: 'in', payload }, seconds),
    );
    s.component.on('replied', ({ payload, seconds }) =>
      iqs.observe({ direction: 'out', payload }, seconds),
    );
    new Gauge({
      name: 'confab_component_up',
      help: 'Whether the focus component is connected to Prosody',
      registers,
      collect() {
        this.set(s.component.online ? 1 : 0);
      },
    });

    // --- Prosody ------------------------------------------------------------------------------
    const prosody = s.prosody;
    if (prosody) {
      new Gauge({
        name: 'confab_prosody_up',
        help: 'Whether the embedded Prosody runs',
        registers,
        collect() {
          this.set(prosody.state === 'running' ? 1 : 0);
        },
      });
      const restarts = new Counter({
        name: 'confab_prosody_restarts_total',
        help: 'Times the embedded Prosody was restarted after dying',
        registers,
      });
      prosody.on('restarted', () => restarts.inc());
    }

    // --- the SFU workers -------------------------------------------------------------------------
    new Gauge({
      name: 'confab_sfu_workers',
      help: 'mediasoup worker slots by state',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const state of ['running', 'replacing', 'failed'] as const)
          this.set({ state }, s.workers.slots.filter((w) => w.state === state).length);
      },
    });
    const deaths = new Counter({
      name: 'confab_sfu_worker_deaths_total',
      help: 'mediasoup workers that died',
      registers,
    });
    s.workers.on('died', () => deaths.inc());

    // --- TURN ---------------------------------------------------------------------------------
    const turn = s.turn;
    if (turn) {
      new Gauge({
        name: 'confab_turn_allocations',
        help: 'TURN allocations alive now',
        registers,
        collect() {
          this.set(turn.metrics().allocationsActive);
        },
      });
      const byName = new Map<
        string,
        { help: string; directed: boolean; keys: (keyof TurnMetrics)[] }
      >();
      for (const key of Object.keys(turn.metrics()) as (keyof TurnMetrics)[]) {
        if (TURN_SKIPPED.has(key)) continue;
        const d = TURN_DIRECTIONS[key];
        const name = `confab_turn_${d ? d.name : snake(key)}_total`;
        const entry = byName.get(name) ?? {
          help: `TURN: ${d ? d.help : snake(key).replace(/_/g, ' ').trim()}`,
          directed: !!d,
          keys: [],
        };
        entry.keys.push(key);
        byName.set(name, entry);
      }
      for (const [name, { help, directed, keys }] of byName) {
        followingCounter(
          registers,
          { name, help, labelNames: directed ? ['direction'] : [] },
          keys.map((key) => {
            const labels: Record<string, string> = {};
            if (directed) labels.direction = TURN_DIRECTIONS[key]?.direction ?? '';
            return { labels, read: () => turn.metrics()[key] };
          }),
        );
      }
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Prometheus text exposition of the focus and SFU counts. */
import type { FocusCounts } from '../focus/Focus';

const HELP: Record<keyof FocusCounts, string> = {
  conferences: 'Conferences with at least one participant',
  participants: 'Participants in a Jingle session with the focus',
  workers: 'mediasoup workers',
  routers: 'mediasoup routers',
  transports: 'WebRTC transports',
  producers: 'Tracks participants send',
  consumers: 'Tracks forwarded to participants',
  mixers: 'Audio mixes the SFU makes (switched sessions)',
  switches: 'Video switches the SFU runs (switched sessions)',
  stanzasSent: 'Stanzas the focus has sent',
};

export function renderFocusMetrics(counts: FocusCounts, prefix = 'confab_focus'): string {
  return (Object.keys(HELP) as (keyof FocusCounts)[])
    .map((key) => {
      const name = `${prefix}_${key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}${key === 'stanzasSent' ? '_total' : ''}`;
      const type = key === 'stanzasSent' ? 'counter' : 'gauge';
      return `# HELP ${name} ${HELP[key]}\n# TYPE ${name} ${type}\n${name} ${counts[key]}\n`;
    })
    .join('');
}

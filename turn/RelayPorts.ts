/**
 * Relay sockets inside the configured port range (turn.min-port..max-port):
 * a random free port, an even one (EVEN-PORT), or an even one whose next port
 * is held for a later allocation under an 8-byte RESERVATION-TOKEN
 * (RFC 5766 §6.2, §14.6, §14.9). Reservations live 30 seconds.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import type { IpFamily } from './ip';

export const RESERVATION_MS = 30_000;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface Reservation {
  socket: Socket;
  timer: ReturnType<typeof setTimeout>;
}

export interface BoundRelay {
  socket: Socket;
  /** Set when the next port was reserved (EVEN-PORT with R bit). */
  reservationToken?: string;
}

export class NoPortError extends Error {
  override name = 'NoPortError';
}

export class RelayPorts {
  private readonly reservations = new Map<string, Reservation>();
  private closed = false;

  constructor(
    private readonly options: {
      address: string;
      family: IpFamily;
      minPort: number;
      maxPort: number;
      maxAttempts?: number;
    },
  ) {}

  /** Binds a relay socket; rejects with NoPortError when none is free after some attempts. */
  async bind(even: { reserveNext: boolean } | undefined): Promise<BoundRelay> {
    const { minPort, maxPort } = this.options;
    const attempts = Math.min(this.options.maxAttempts ?? 64, maxPort - minPort + 1);
    for (let i = 0; i < attempts; i++) {
      if (this.closed) break;
      if (!even) {
        const socket = await this.tryBind(randomInt(minPort, maxPort + 1));
        if (socket) return { socket };
        continue;
      }
      const port = this.randomEvenPort(even.reserveNext);
      if (port === undefined) break;
      const socket = await this.tryBind(port);
      if (!socket) continue;
      if (!even.reserveNext) return { socket };
      const next = await this.tryBind(port + 1);
      if (next) return { socket, reservationToken: this.reserve(next) };
      socket.close();
    }
    throw new NoPortError(`no free relay port in ${minPort}-${maxPort}`);
  }

  /** Hands over the socket held under `token`, once; undefined if unknown or expired. */
  take(token: string): Socket | undefined {
    const reservation = this.reservations.get(token);
    if (!reservation) return undefined;
    clearTimeout(reservation.timer);
    this.reservations.delete(token);
    return reservation.socket;
  }

  get reservationCount(): number {
    return this.reservations.size;
  }

  close(): void {
    this.closed = true;
    for (const { socket, timer } of this.reservations.values()) {
      clearTimeout(timer);
      socket.close();
    }
    this.reservations.clear();
  }

  private randomEvenPort(needsNext: boolean): number | undefined {
    const first = this.options.minPort + (this.options.minPort % 2);
    const last = this.options.maxPort - (needsNext ? 1 : 0);
    if (first > last) return undefined;
    return first + 2 * randomInt(0, Math.floor((last - first) / 2) + 1);
  }

  private reserve(socket: Socket): string {
    let token: string;
    do {
      token = [...randomBytes(8)].map((b) => TOKEN_ALPHABET[b % TOKEN_ALPHABET.length]).join('');
    } while (this.reservations.has(token));
    const timer = setTimeout(() => {
      this.reservations.delete(token);
      socket.close();
    }, RESERVATION_MS);
    timer.unref();
    socket.on('error', () => undefined); // nothing is sent on a reserved socket
    this.reservations.set(token, { socket, timer });
    return token;
  }

  private tryBind(port: number): Promise<Socket | undefined> {
    const { address, family } = this.options;
    return new Promise((resolve) => {
      const socket =
        family === 4 ? createSocket('udp4') : createSocket({ type: 'udp6', ipv6Only: true });
      const onError = (): void => {
        try {
          socket.close();
        } catch {
          // already closed by the failed bind
        }
        resolve(undefined);
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(socket);
      });
    });
  }
}

/**
 * What a test federation needs besides two servers: certificates from a
 * throwaway CA for each domain (and its subdomains), and a hosts file that
 * tells each Prosody where the other domain lives. No DNS, no internet.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caFile: string;
  /** Certificate directory per domain, in Prosody's `certificates` layout. */
  certificates: Record<string, string>;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA and one certificate per domain, valid for the domain and *.domain. */
export function createTestPki(dir: string, domains: string[]): TestPki {
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=Confab test CA',
    ],
    dir,
  );
  const certificates: Record<string, string> = {};
  for (const domain of domains) {
    const certDir = join(dir, domain);
    mkdirSync(certDir, { recursive: true });
    writeFileSync(
      join(dir, `${domain}.ext`),
      `subjectAltName=DNS:${domain},DNS:*.${domain}\nextendedKeyUsage=serverAuth,clientAuth\n`,
    );
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(certDir, `${domain}.key`),
        '-out',
        `${domain}.csr`,
        '-subj',
        `/CN=${domain}`,
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${domain}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        join(certDir, `${domain}.crt`),
        '-days',
        '2',
        '-extfile',
        `${domain}.ext`,
      ],
      dir,
    );
    certificates[domain] = certDir;
  }
  return { caFile: join(dir, 'ca.crt'), certificates };
}

/** A hosts file: each address serves a domain and its usual subdomains. */
export function writeHostsFile(file: string, servers: Record<string, string>): string {
  const lines = Object.entries(servers).map(([address, domain]) =>
    [address, domain, `conference.${domain}`, `focus.${domain}`, `guest.${domain}`].join(' '),
  );
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

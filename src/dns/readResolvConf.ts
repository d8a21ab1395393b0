import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { EksTokenError } from '../shared/EksTokenError.js';
import { quoteValue } from '../shared/quoteValue.js';

/** A DNS server to ask: an IP address (IPv6 without brackets, zone allowed) and a port. */
export interface DnsServer {
  host: string;
  port: number;
}

/** The parts of resolv.conf that eks-token honours. */
export interface ResolvConf {
  /** In file order; empty when the file names none (glibc then asks 127.0.0.1). */
  nameservers: DnsServer[];
  timeoutSeconds?: number;
  attempts?: number;
}

/** Where the system resolver configuration lives. */
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

// glibc's MAXNS, RES_MAXRETRANS and RES_MAXRETRY: larger values are ignored or clamped there too.
const MAX_NAMESERVERS = 3;
const MAX_TIMEOUT_SECONDS = 30;
const MAX_ATTEMPTS = 5;

/** Parses resolv.conf text the way glibc reads nameserver lines and the timeout:/attempts: options. */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [] };
  for (const line of text.split(/\r?\n/)) {
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === 'nameserver' && args[0] !== undefined && isIP(args[0]) !== 0) {
      if (conf.nameservers.length < MAX_NAMESERVERS) conf.nameservers.push({ host: args[0], port: 53 });
    } else if (keyword === 'options') {
      for (const option of args) {
        const match = /^(timeout|attempts):(\d+)$/.exec(option);
        if (match?.[1] === 'timeout') conf.timeoutSeconds = Math.min(Number(match[2]), MAX_TIMEOUT_SECONDS);
        if (match?.[1] === 'attempts') conf.attempts = Math.min(Number(match[2]), MAX_ATTEMPTS);
      }
    }
  }
  return conf;
}

/** Reads and parses a resolv.conf; a missing file means no settings, as for glibc. */
export async function readResolvConf(path: string = DEFAULT_RESOLV_CONF): Promise<ResolvConf> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { nameservers: [] };
    throw new EksTokenError(
      'E_DNS_FAILED',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'fix its permissions or pass --dns-server HOST[:PORT]',
      { cause: error },
    );
  }
  return parseResolvConf(text);
}

/** Parses `--dns-server HOST[:PORT]`: IPv4, IPv4:port, bare IPv6, [IPv6] or [IPv6]:port (port 53 by default). */
export function parseDnsServer(spec: string): DnsServer {
  const text = spec.trim();
  const bracketed = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
    if (isIP(host) !== 6) throw badServer(spec, 'brackets must hold an IPv6 address');
  } else if (isIP(text) !== 0) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    port = colon < 0 ? undefined : text.slice(colon + 1);
    // Host names are refused: resolving the DNS server's own name would need DNS.
    if (isIP(host) !== 4) throw badServer(spec, 'the host must be an IPv4 or IPv6 address');
  }
  if (port === undefined) return { host, port: 53 };
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw badServer(spec, 'the port must be a number from 1 to 65535');
  }
  return { host, port: Number(port) };
}

/** Formats a server for messages and debug lines: `1.2.3.4:53` or `[::1]:53`. */
export function formatDnsServer(server: DnsServer): string {
  return isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

function badServer(spec: string, why: string): EksTokenError {
  return new EksTokenError(
    'E_BAD_DNS_SERVER',
    `bad DNS server ${quoteValue(spec)}: ${why}`,
    'give --dns-server (or EKS_TOKEN_DNS_SERVER) as IPV4[:PORT], IPV6 or [IPV6]:PORT',
  );
}

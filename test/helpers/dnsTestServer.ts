import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type Packet } from 'dns-packet';

/** One query the server received. */
export interface ReceivedQuery {
  transport: 'udp' | 'tcp';
  packet: DecodedPacket;
}

/** One reply to send: a packet or raw bytes, optionally from a second socket (another source port). */
export interface Reply {
  packet: Packet | Buffer;
  fromOtherPort?: boolean;
  delayMs?: number;
}

/** Decides the replies to a query; an empty list means silence. */
export type DnsHandler = (query: DecodedPacket, transport: 'udp' | 'tcp') => Reply[];

/** A fault-injecting DNS server on 127.0.0.1, UDP and TCP on the same port. */
export interface DnsTestServer {
  port: number;
  /** `127.0.0.1:PORT`, as --dns-server takes it. */
  address: string;
  queries: ReceivedQuery[];
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** Starts a server on a free loopback port; the handler scripts every reply. */
export async function startDnsTestServer(handler: DnsHandler): Promise<DnsTestServer> {
  for (let tries = 0; ; tries++) {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp = net.createServer();
    try {
      // The same port number must be free for TCP too; another process may hold it.
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', resolve);
      });
    } catch (error) {
      udp.close();
      if (tries >= 20) throw error;
      continue;
    }
    return serve(udp, tcp, port, handler);
  }
}

async function serve(udp: dgram.Socket, tcp: net.Server, port: number, handler: DnsHandler) {
  const other = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => other.bind(0, '127.0.0.1', resolve));
  const queries: ReceivedQuery[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const connections = new Set<net.Socket>();
  let closed = false;
  const later = (delayMs: number | undefined, send: () => void) => {
    if (!delayMs) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delayMs);
    timers.add(timer);
  };
  const encode = (reply: Reply) =>
    Buffer.isBuffer(reply.packet) ? reply.packet : dnsPacket.encode(reply.packet);

  udp.on('message', (message, from) => {
    const query = dnsPacket.decode(message);
    queries.push({ transport: 'udp', packet: query });
    for (const reply of handler(query, 'udp')) {
      const socket = reply.fromOtherPort ? other : udp;
      later(reply.delayMs, () => socket.send(encode(reply), from.port, from.address));
    }
  });
  tcp.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const query = dnsPacket.decode(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
        buffered = buffered.subarray(2 + buffered.readUInt16BE(0));
        queries.push({ transport: 'tcp', packet: query });
        for (const reply of handler(query, 'tcp')) {
          const bytes = encode(reply);
          const length = Buffer.alloc(2);
          length.writeUInt16BE(bytes.length);
          later(reply.delayMs, () => socket.destroyed || socket.write(Buffer.concat([length, bytes])));
        }
      }
    });
  });

  return {
    port,
    address: `127.0.0.1:${port}`,
    queries,
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => other.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

/** Builds a response to `query` echoing its ID and question unless overridden. */
export function reply(
  query: DecodedPacket,
  fields: {
    rcode?: keyof typeof RCODES;
    answers?: Answer[];
    authorities?: Answer[];
    truncated?: boolean;
    id?: number;
    name?: string;
    type?: 'TXT' | 'A';
  } = {},
): Packet {
  const question = query.questions?.[0];
  const flags =
    dnsPacket.RECURSION_DESIRED |
    dnsPacket.RECURSION_AVAILABLE |
    (fields.truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    RCODES[fields.rcode ?? 'NOERROR'];
  return {
    type: 'response',
    id: fields.id ?? query.id,
    flags,
    questions: [
      {
        type: fields.type ?? question?.type ?? 'TXT',
        class: 'IN',
        name: fields.name ?? question?.name ?? '',
      },
    ],
    answers: fields.answers ?? [],
    authorities: fields.authorities ?? [],
  };
}

/** A TXT record; pass an array to send several character-strings in one record. */
export function txt(name: string, value: string | Array<string | Buffer>, ttl = 60): Answer {
  return { type: 'TXT', class: 'IN', name, ttl, data: value };
}

/** A CNAME record. */
export function cname(name: string, target: string, ttl = 60): Answer {
  return { type: 'CNAME', class: 'IN', name, ttl, data: target };
}

/** An SOA record for the authority section of negative answers. */
export function soa(zone: string, ttl: number, minimum: number): Answer {
  return {
    type: 'SOA',
    class: 'IN',
    name: zone,
    ttl,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 60,
      retry: 60,
      expire: 60,
      minimum,
    },
  };
}

/** Splits a value into the 255-byte character-strings a TXT record must use for long values. */
export function chunk255(value: string): Buffer[] {
  const bytes = Buffer.from(value);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += 255)
    chunks.push(bytes.subarray(offset, offset + 255));
  return chunks;
}

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { nodeTimers, type Timers } from '../shared/Timers.js';
import type { DnsResponse } from './extractTxtAnswer.js';
import { type DnsServer, formatDnsServer } from './readResolvConf.js';
import { sameDnsName } from './sameDnsName.js';

/** The response to one TXT query and the transport that finally carried it. */
export interface TxtQueryResponse {
  packet: DnsResponse;
  transport: 'udp' | 'tcp';
}

/**
 * Asks one server for the TXT records of `name` over UDP, then TCP when the answer is truncated.
 * Rejects on network errors and when no matching answer arrives within `timeoutMs` (both transports).
 */
export function queryTxtRecord(
  name: string,
  server: DnsServer,
  timeoutMs: number,
  debug: (line: string) => void = () => {},
  timers: Timers = nodeTimers,
): Promise<TxtQueryResponse> {
  // Crypto-random IDs so an off-path attacker cannot guess them and race the real answer.
  const id = randomInt(0, 0x10000);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'TXT', class: 'IN', name }],
  });
  const label = formatDnsServer(server);
  return new Promise((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let settled = false;
    const settle = (error: Error | undefined, response?: TxtQueryResponse) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (error || !response) reject(error);
      else resolve(response);
    };
    const timer = timers.setTimeout(() => settle(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    cleanups.push(() => timers.clearTimeout(timer));

    // Returns the response only when it answers our query; anything else is ignored, not fatal,
    // so a stray or spoofed packet cannot end the wait early.
    const match = (message: Buffer, transport: string): DnsResponse | undefined => {
      let packet: DnsResponse;
      try {
        packet = dnsPacket.decode(message);
      } catch {
        debug(`dns: ignoring undecodable ${transport} packet from ${label}`);
        return undefined;
      }
      if (!isAnswerTo(packet, id, name)) {
        debug(`dns: ignoring ${transport} packet from ${label} that does not answer our query`);
        return undefined;
      }
      return packet;
    };

    let askedOverTcp = false;
    const askOverTcp = () => {
      if (askedOverTcp) return;
      askedOverTcp = true;
      debug(`dns: answer from ${label} truncated, asking again over tcp`);
      const socket = net.connect({ host: server.host, port: server.port });
      cleanups.push(() => socket.destroy());
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.on('connect', () => socket.write(Buffer.concat([length, query])));
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        // TCP frames each message with a 2-byte length; one read may hold several or part of one.
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          const packet = match(message, 'tcp');
          if (packet) return settle(undefined, { packet, transport: 'tcp' });
        }
      });
      socket.on('error', (error) => settle(error));
      socket.on('close', () => settle(new Error('tcp connection closed without an answer')));
    };

    const udp = dgram.createSocket(net.isIP(server.host) === 6 ? 'udp6' : 'udp4');
    cleanups.push(() => {
      try {
        udp.close();
      } catch {
        // Already closed after an error: nothing left to release.
      }
    });
    udp.on('error', (error) => settle(error));
    udp.on('message', (message, from) => {
      // A connected socket already drops other senders; checked again so no kernel quirk matters.
      const peer = connectedPeer(udp);
      if (from.port !== peer?.port || from.address !== peer.address) {
        debug(`dns: ignoring udp packet from ${from.address}:${from.port}, not ${label}`);
        return;
      }
      const packet = match(message, 'udp');
      if (!packet) return;
      if (packet.flag_tc) askOverTcp();
      else settle(undefined, { packet, transport: 'udp' });
    });
    // Connecting makes the kernel filter by peer and report ICMP "port unreachable" as ECONNREFUSED.
    // Not a connect() callback: Node calls that with the error too, whereas without one it emits 'error'.
    udp.once('connect', () => udp.send(query, (error) => error && settle(error)));
    try {
      udp.connect(server.port, server.host);
    } catch (error) {
      // Node throws synchronously for some unusable addresses; the timer must not outlive that.
      settle(error as Error);
    }
  });
}

/** True when `packet` is a response with our ID and exactly our question (name compared case-insensitively). */
export function isAnswerTo(packet: DecodedPacket, id: number, name: string): boolean {
  const question = packet.questions?.length === 1 ? packet.questions[0] : undefined;
  return (
    packet.type === 'response' &&
    packet.id === id &&
    question !== undefined &&
    question.type === 'TXT' &&
    (question.class ?? 'IN') === 'IN' &&
    sameDnsName(question.name, name)
  );
}

function connectedPeer(socket: dgram.Socket): net.AddressInfo | undefined {
  try {
    return socket.remoteAddress();
  } catch {
    // A datagram that slips in before connect() completes has no peer to match yet.
    return undefined;
  }
}

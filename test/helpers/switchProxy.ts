import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/** A loopback TCP proxy whose target can be switched: one address standing for api.devinfra.info. */
export interface SwitchProxy {
  url: string;
  port: number;
  switchTo(targetPort: number): void;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 forwarding to `targetPort`; a switch also drops open connections. */
export async function startSwitchProxy(targetPort: number): Promise<SwitchProxy> {
  let target = targetPort;
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    switchTo(next) {
      target = next;
      // Like a DNS/LB switch: existing keep-alive connections end, new ones reach the new cluster.
      for (const s of open) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

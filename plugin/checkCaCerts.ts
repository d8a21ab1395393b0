import { readFileSync } from 'node:fs';
import { plural } from '../src/shared/plural.js';
import type { Check } from './formatCheck.js';

/** The extra CA file (NODE_EXTRA_CA_CERTS, handed over by the launcher as EKS_TOKEN_EXTRA_CA_CERTS). */
export function checkCaCerts(env: Record<string, string | undefined>): Check {
  const name = 'NODE_EXTRA_CA_CERTS';
  const file = env.EKS_TOKEN_EXTRA_CA_CERTS || env.NODE_EXTRA_CA_CERTS;
  if (!file)
    return { status: 'ok', area: 'ca', detail: 'NODE_EXTRA_CA_CERTS not set: HTTPS trusts the system CAs' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      status: 'fail',
      area: 'ca',
      detail: `${name} ${file} cannot be read (${(error as NodeJS.ErrnoException).code}): HTTPS calls trust only the system CAs`,
      fix: 'point NODE_EXTRA_CA_CERTS at a readable PEM file, or unset it',
    };
  }
  const count = text.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (count === 0)
    return {
      status: 'fail',
      area: 'ca',
      detail: `${name} ${file} holds no PEM certificate`,
      fix: 'point it at a PEM file (-----BEGIN CERTIFICATE-----)',
    };
  return {
    status: 'ok',
    area: 'ca',
    detail: `${name} ${file}: ${plural(count, 'certificate')}`,
  };
}

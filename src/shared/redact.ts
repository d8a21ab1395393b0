/** Removes anything that looks like a secret key, session token or bearer token from a message. */
export function redact(text: string): string {
  return text
    .replace(/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.<redacted>')
    .replace(/[A-Za-z0-9/+=]{40,}/g, '<redacted>');
}

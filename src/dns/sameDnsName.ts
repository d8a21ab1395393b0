/** Compares DNS names ignoring ASCII case (as DNS does, unlike toLowerCase) and a trailing dot. */
export function sameDnsName(a: string, b: string): boolean {
  const canonical = (name: string) => name.replace(/\.$/, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  return canonical(a) === canonical(b);
}

/** A count and its noun, singular for one: `plural(1, 'token')` is "1 token", `plural(2, 'token')` "2 tokens". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

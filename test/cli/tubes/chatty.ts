/** A node that prints on both streams, for `noob jobs logs` and `watch` to show. */
export function chatty({ value }: { value: number }): number {
  console.log(`chatty says ${value}`);
  console.error(`chatty warns ${value}`);
  return value * 10;
}

/**
 * Epoch 0's call returns at once, every later one only after 20 s: a job of several
 * epochs has a result to show long before it ends.
 */
export async function paced({ value }: { value: number }): Promise<number> {
  if (value > 0) await new Promise((resolve) => setTimeout(resolve, 20_000));
  return value;
}

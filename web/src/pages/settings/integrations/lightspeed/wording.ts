/** "1 store", "2 stores", "0 outlets": a number with its noun, in the singular when it is one. */
export function count(value: number, noun: string, plural = `${noun}s`): string {
  return `${value} ${value === 1 ? noun : plural}`;
}

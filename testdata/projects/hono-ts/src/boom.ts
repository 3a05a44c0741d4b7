// A helper that throws, so that tests can check where the stack points.
export interface Detail {
  where: string;
}

export function explode(where: string): never {
  const detail: Detail = { where };
  throw new Error(`kaboom ${detail.where}`);
}

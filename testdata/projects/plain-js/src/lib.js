export const version = "v1";

export function fail(why) {
  throw new TypeError(`failed ${why}`);
}

// ES2024's ArrayBuffer.prototype.transfer / transferToFixedLength / detached, which
// V8 10.2 lacks; streams (BYOB) and structuredClone's transfer use them. Detaching
// goes through the core.detach native.

const detach = core.detach;
const byteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const Uint8 = Uint8Array;

function isDetached(buffer) {
  if (byteLength.call(buffer) !== 0) return false;
  try {
    new Uint8(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

function toIndex(value) {
  const n = value === undefined ? 0 : Math.trunc(Number(value)) || 0;
  if (n < 0 || n > Number.MAX_SAFE_INTEGER) throw new RangeError("Invalid array buffer length");
  return n;
}

function copyAndDetach(buffer, newLength, name) {
  const len = byteLength.call(buffer); // TypeError for anything but an ArrayBuffer
  if (isDetached(buffer)) throw new TypeError(`ArrayBuffer.prototype.${name}: the buffer is detached`);
  const size = newLength === undefined ? len : toIndex(newLength);
  const copy = new ArrayBuffer(size);
  new Uint8(copy).set(new Uint8(buffer, 0, Math.min(len, size)));
  if (!detach(buffer)) throw new TypeError(`ArrayBuffer.prototype.${name}: this buffer cannot be detached`);
  return copy;
}

const methods = {
  transfer(newLength = undefined) { return copyAndDetach(this, newLength, "transfer"); },
  transferToFixedLength(newLength = undefined) { return copyAndDetach(this, newLength, "transferToFixedLength"); },
};
for (const name of ["transfer", "transferToFixedLength"]) {
  if (typeof ArrayBuffer.prototype[name] !== "function") {
    Object.defineProperty(ArrayBuffer.prototype, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  }
}
if (!("detached" in ArrayBuffer.prototype)) {
  Object.defineProperty(ArrayBuffer.prototype, "detached", {
    get: function detached() { byteLength.call(this); return isDetached(this); },
    configurable: true,
    enumerable: false,
  });
}

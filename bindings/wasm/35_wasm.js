// WebAssembly.compileStreaming and WebAssembly.instantiateStreaming (the WebAssembly Web
// API), over a Response or a promise of one: the response must be ok, its Content-Type
// exactly `application/wasm` (tabs and spaces around it trimmed, ASCII case-insensitive,
// no parameters), and its body not used. The body is read whole with arrayBuffer() and
// handed to WebAssembly.compile / WebAssembly.instantiate: V8's own streaming compiler
// needs an embedder callback this runtime does not install, and a worker's module bytes
// are small next to the request's memory limit.
//
// V8 leaves the WebAssembly namespace out of the startup snapshot and adds it to each
// context made from it, so the two functions cannot be installed while this file runs:
// priv.installWasmStreaming() puts them on the context's WebAssembly object, and
// 50_wasm_install.js calls it when the worker's module has loaded (before any event
// reaches a handler). Top-level code of a worker does not see them yet; see README.md.
//
// Response (40_ files) loads after this file: it is looked up when first needed.

const PromiseCtor = Promise;
const PromiseResolve = Promise.resolve.bind(Promise);
const PromisePrototypeThen = Promise.prototype.then;
const FunctionPrototypeCall = Function.prototype.call;
const call = FunctionPrototypeCall.bind(FunctionPrototypeCall);

let responseArrayBuffer; // Response.prototype.arrayBuffer, as it was before user code ran

let WACompile, WAInstantiate; // the context's WebAssembly.compile / instantiate

function then(p, onFulfilled, onRejected) {
  return call(PromisePrototypeThen, p, onFulfilled, onRejected);
}

// The Content-Type header's combined value, or null.
function contentType(response) {
  const packed = priv.responsePackedHeaders(response);
  if (packed === "") return null;
  const parts = packed.split("\0");
  let value = null;
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] === "content-type") value = value === null ? parts[i + 1] : `${value}, ${parts[i + 1]}`;
  }
  return value;
}

function trimHTTPTabOrSpace(s) {
  return s.replace(/^[\t ]+|[\t ]+$/g, "");
}

// "Compile a potential WebAssembly response": the Module, or a rejection.
function compilePotentialResponse(source, method) {
  const prefix = `WebAssembly.${method}()`;
  return then(PromiseResolve(source), (response) => {
    if (priv.isResponse === undefined || !priv.isResponse(response)) {
      throw new TypeError(`${prefix}: Argument 0 must be a Response or a Promise that resolves to one.`);
    }
    const type = contentType(response);
    if (type === null || trimHTTPTabOrSpace(type).toLowerCase() !== "application/wasm") {
      throw new TypeError(`${prefix}: Incorrect response MIME type ${type === null ? "(none)" : JSON.stringify(type)}. Expected 'application/wasm'.`);
    }
    if (priv.responseIsError(response)) throw new TypeError(`${prefix}: The response is a network error.`);
    const status = priv.responseStatus(response);
    if (status < 200 || status > 299) throw new TypeError(`${prefix}: HTTP status code is not ok (${status}).`);
    if (responseArrayBuffer === undefined) responseArrayBuffer = priv.Response.prototype.arrayBuffer;
    return then(call(responseArrayBuffer, response), (bytes) => WACompile(bytes));
  });
}

const methods = {
  compileStreaming(source) {
    if (arguments.length < 1) {
      return PromiseCtor.reject(new TypeError("WebAssembly.compileStreaming(): 1 argument required, but only 0 present."));
    }
    return compilePotentialResponse(source, "compileStreaming");
  },
  instantiateStreaming(source, importObject = undefined) {
    if (arguments.length < 1) {
      return PromiseCtor.reject(new TypeError("WebAssembly.instantiateStreaming(): 1 argument required, but only 0 present."));
    }
    return then(compilePotentialResponse(source, "instantiateStreaming"), (module) =>
      then(WAInstantiate(module, importObject), (instance) => ({ module, instance })));
  },
};

// Installs the two functions on this context's WebAssembly namespace, once; they use the
// compile and instantiate that were there at that moment. Namespace operations are
// writable, enumerable and configurable (WebIDL).
priv.installWasmStreaming = function installWasmStreaming() {
  const WA = globalThis.WebAssembly;
  if (WACompile !== undefined || WA === null || typeof WA !== "object") return;
  WACompile = WA.compile;
  WAInstantiate = WA.instantiate;
  for (const name of ["compileStreaming", "instantiateStreaming"]) {
    Object.defineProperty(WA, name, { value: methods[name], writable: true, enumerable: true, configurable: true });
  }
};
priv.installWasmStreaming();

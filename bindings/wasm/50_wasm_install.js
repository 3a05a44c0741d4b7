// Installs WebAssembly.compileStreaming / instantiateStreaming (35_wasm.js) in each
// context restored from the snapshot, before user code runs (V8 adds the WebAssembly
// object to each new context, so the snapshot cannot carry them).

priv.onContextReady.push(() => priv.installWasmStreaming());

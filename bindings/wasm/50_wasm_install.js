// Installs WebAssembly.compileStreaming / instantiateStreaming (35_wasm.js) in each
// context, when the worker's module has loaded: the first moment after the snapshot was
// restored at which the bootstrap runs, through the env builders of 45_dispatch.js.

priv.envBuilders.push(() => priv.installWasmStreaming());

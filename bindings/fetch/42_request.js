// Request (WHATWG Fetch, with Workers' `cf` property).

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const normalMethods = { DELETE: "DELETE", GET: "GET", HEAD: "HEAD", OPTIONS: "OPTIONS", POST: "POST", PUT: "PUT", PATCH: "PATCH" };
const forbiddenMethods = new Set(["CONNECT", "TRACE", "TRACK"]);
const redirectModes = new Set(["follow", "error", "manual"]);
const INTERNAL = Symbol("edged.request.internal");
const INTERNAL_CLONE = Symbol("edged.request.clone"); // clone() fills the fields itself

function normalizeMethod(m, prefix) {
  if (normalMethods[m] !== undefined) return m;
  if (!tokenRe.test(m)) throw new TypeError(`${prefix}: '${m}' is not a valid HTTP method.`);
  const upper = m.toUpperCase();
  if (forbiddenMethods.has(upper)) throw new TypeError(`${prefix}: '${m}' HTTP method is unsupported.`);
  // Fetch upper-cases the standard methods only; Workers also accept patch → PATCH.
  return normalMethods[upper] !== undefined ? upper : m;
}

function parseURL(input, prefix) {
  let u;
  try {
    u = new priv.URL(input, priv.apiBaseURL());
  } catch {
    throw new TypeError(`${prefix}: Invalid URL: ${input}`);
  }
  if (u.username !== "" || u.password !== "") {
    throw new TypeError(`${prefix}: Request cannot be constructed from a URL that includes credentials: ${input}`);
  }
  return u.href;
}

// Arguments for the internal fast path (incoming requests), set just before `new`.
let incoming = null;

class Request {
  #method = "GET";
  #url = "";
  #headers = null;     // Headers, created lazily for incoming requests
  #packed = null;      // packed incoming headers not yet turned into Headers
  #body;               // body state
  #redirect = "follow";
  #signal = null;      // AbortSignal, created lazily
  #cf = undefined;
  #integrity = "";
  #keepalive = false;

  constructor(input, init = undefined) {
    if (input === INTERNAL) {
      const a = incoming;
      incoming = null;
      this.#method = a.method;
      this.#url = a.url;
      this.#packed = a.headers;
      this.#body = priv.newBodyState(a.rid > 0 ? new priv.IncomingBody(a.rid) : null);
      this.#cf = a.cf;
      return;
    }
    if (input === INTERNAL_CLONE) return;
    const prefix = webidl.ctorPrefix("Request");
    webidl.requiredArguments(arguments.length, 1, prefix);
    if (init !== undefined && init !== null && !webidl.isObject(init)) {
      throw new TypeError(`${prefix}: The provided value is not of type 'RequestInit'.`);
    }
    let inputReq = null;
    if (webidl.isObject(input) && #method in input) {
      inputReq = input;
      this.#method = input.#method;
      this.#url = input.#url;
      this.#redirect = input.#redirect;
      this.#cf = input.#cf;
      this.#integrity = input.#integrity;
      this.#keepalive = input.#keepalive;
    } else {
      this.#url = parseURL(converters.USVString(input, prefix, "Argument 1"), prefix);
    }
    const hasInit = init !== undefined && init !== null;
    let signal = inputReq !== null ? inputReq.#signal : null;

    if (hasInit) {
      if (init.method !== undefined) {
        this.#method = normalizeMethod(converters.ByteString(init.method, prefix, "method"), prefix);
      }
      if (init.redirect !== undefined) {
        const r = converters.DOMString(init.redirect, prefix, "redirect");
        if (!redirectModes.has(r)) throw new TypeError(`${prefix}: The provided value '${r}' is not a valid enum value of type RequestRedirect.`);
        this.#redirect = r;
      }
      if (init.signal !== undefined) {
        if (init.signal !== null && !priv.isAbortSignal(init.signal)) {
          throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'RequestInit': Failed to convert value to 'AbortSignal'.`);
        }
        signal = init.signal;
      }
      if (init.cf !== undefined) this.#cf = init.cf;
      if (init.integrity !== undefined) this.#integrity = converters.DOMString(init.integrity, prefix, "integrity");
      if (init.keepalive !== undefined) this.#keepalive = !!init.keepalive;
    }
    // A request owns its own signal that follows the given one (Fetch: "signal" is new).
    if (signal !== null) this.#signal = priv.AbortSignal.any([signal]);

    // Headers: from init, else a copy of the input's.
    const headers = priv.headersFromList([], "none");
    if (hasInit && init.headers !== undefined) {
      priv.headersFill(headers, init.headers, prefix);
    } else if (inputReq !== null) {
      priv.headersList(headers).push(...priv.headersList(inputReq.#getHeaders()));
    }
    priv.headersGuard(headers, "request");
    this.#headers = headers;

    const initBody = hasInit ? init.body : undefined;
    const inputBody = inputReq !== null ? inputReq.#body : null;
    if (((initBody !== undefined && initBody !== null) || (inputBody !== null && inputBody.source !== null)) &&
        (this.#method === "GET" || this.#method === "HEAD")) {
      throw new TypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    if (initBody !== undefined && initBody !== null) {
      const source = priv.extractBody(initBody, prefix);
      const type = priv.extractedBody.type;
      if (type !== null && !priv.headersHas(headers, "content-type")) priv.headersAppendRaw(headers, "content-type", type);
      this.#body = priv.newBodyState(source);
    } else if (inputBody !== null && inputBody.source !== null) {
      if (priv.bodyUnusable(inputBody)) throw new TypeError(`${prefix}: Cannot construct a Request with a Request object that has already been used.`);
      // The new request takes the input's body; the input becomes used.
      this.#body = priv.newBodyState(inputBody.source);
      inputBody.disturbed = true;
    } else {
      this.#body = priv.newBodyState(null);
    }
  }

  #getHeaders() {
    if (this.#headers === null) {
      this.#headers = priv.headersFromPacked(this.#packed, "request");
      this.#packed = null;
    }
    return this.#headers;
  }

  static #check(r) {
    if (!(webidl.isObject(r) && #method in r)) throw webidl.illegalInvocation();
  }

  get method() { Request.#check(this); return this.#method; }
  get url() { Request.#check(this); return this.#url; }
  get headers() { Request.#check(this); return this.#getHeaders(); }
  get redirect() { Request.#check(this); return this.#redirect; }
  get signal() {
    Request.#check(this);
    if (this.#signal === null) this.#signal = priv.newAbortSignal();
    return this.#signal;
  }
  get cf() { Request.#check(this); return this.#cf; }
  get integrity() { Request.#check(this); return this.#integrity; }
  get keepalive() { Request.#check(this); return this.#keepalive; }
  get fetcher() { Request.#check(this); return null; }

  clone() {
    Request.#check(this);
    if (priv.bodyUnusable(this.#body)) {
      throw new TypeError("Failed to execute 'clone' on 'Request': Request body is already used");
    }
    const c = new Request(INTERNAL_CLONE);
    c.#method = this.#method;
    c.#url = this.#url;
    c.#headers = priv.headersCopy(this.#getHeaders(), "request");
    c.#body = priv.bodyClone(this.#body);
    c.#redirect = this.#redirect;
    c.#signal = this.#signal === null ? null : priv.AbortSignal.any([this.#signal]);
    c.#cf = this.#cf;
    c.#integrity = this.#integrity;
    c.#keepalive = this.#keepalive;
    return c;
  }

  static {
    priv.isRequest = (r) => webidl.isObject(r) && #method in r;
    priv.requestBody = (r) => r.#body;
    priv.requestSignal = (r) => r.#signal;
    priv.requestSetSignal = (r, s) => { r.#signal = s; };
    // Builds the request for an incoming HTTP request (headers stay packed until used).
    priv.newIncomingRequest = (method, url, headers, rid, cf) => {
      incoming = { method, url, headers, rid, cf };
      return new Request(INTERNAL);
    };
    priv.mixinBody(Request.prototype, "Request", (r) => {
      Request.#check(r);
      return r.#body;
    }, (r) => priv.headersGet(r.#getHeaders(), "content-type"));
  }
}

Object.defineProperty(Request.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value: function inspectRequest(depth, options) {
    const shown = {
      method: this.method, url: this.url, headers: this.headers, body: this.body,
      bodyUsed: this.bodyUsed, redirect: this.redirect, cf: this.cf,
    };
    return `Request ${priv.inspect(shown, options)}`;
  },
  configurable: true,
});

configureInterface(Request);
core.defineGlobal("Request", Request);
priv.Request = Request;
priv.registerPlatformObject((v) => priv.isRequest(v));

// Request (WHATWG Fetch, with Workers' `cf` property).

const webidl = priv.webidl;
const { converters, configureInterface } = webidl;

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const normalMethods = { DELETE: "DELETE", GET: "GET", HEAD: "HEAD", OPTIONS: "OPTIONS", POST: "POST", PUT: "PUT", PATCH: "PATCH" };
const forbiddenMethods = new Set(["CONNECT", "TRACE", "TRACK"]);
const redirectModes = new Set(["follow", "error", "manual"]);
// Fetch's enums for the attributes a server runtime keeps but does not act on.
const referrerPolicies = new Set(["", "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
  "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"]);
const requestModes = new Set(["navigate", "same-origin", "no-cors", "cors"]);
const credentialsModes = new Set(["omit", "same-origin", "include"]);
const cacheModes = new Set(["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"]);
const priorities = new Set(["high", "low", "auto"]);
const duplexModes = new Set(["half"]);
// The defaults of those attributes; a request that changes one gets its own copy.
const DEFAULT_EXTRA = Object.freeze({
  referrer: "about:client", referrerPolicy: "", mode: "cors", credentials: "same-origin",
  cache: "default", priority: "auto",
});

function enumValue(v, set, typeName, prefix) {
  const s = converters.DOMString(v, prefix, typeName);
  if (!set.has(s)) throw new TypeError(`${prefix}: The provided value '${s}' is not a valid enum value of type ${typeName}.`);
  return s;
}
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
  #extra = DEFAULT_EXTRA; // referrer, referrerPolicy, mode, credentials, cache, priority

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
      this.#extra = input.#extra;
    } else {
      this.#url = parseURL(converters.USVString(input, prefix, "Argument 1"), prefix);
    }
    let signal = inputReq !== null ? inputReq.#signal : null;

    // RequestInit members, read once each in WebIDL's (lexicographic) order.
    let m = null;
    if (init !== undefined && init !== null) {
      m = {
        body: init.body, cache: init.cache, cf: init.cf, credentials: init.credentials, duplex: init.duplex,
        headers: init.headers, integrity: init.integrity, keepalive: init.keepalive, method: init.method,
        mode: init.mode, priority: init.priority, redirect: init.redirect, referrer: init.referrer,
        referrerPolicy: init.referrerPolicy, signal: init.signal, window: init.window,
      };
      let any = false;
      for (const k in m) if (m[k] !== undefined) { any = true; break; }
      if (!any) m = null;
    }
    if (m !== null) {
      if (m.window !== undefined && m.window !== null) {
        throw new TypeError(`${prefix}: 'window' must be null.`);
      }
      const extra = { ...this.#extra };
      // A non-empty init resets what was inherited from the input request.
      if (extra.mode === "navigate") extra.mode = "same-origin";
      extra.referrer = "about:client";
      extra.referrerPolicy = "";
      if (m.referrer !== undefined) {
        const r = converters.USVString(m.referrer, prefix, "referrer");
        if (r === "") {
          extra.referrer = "";
        } else {
          const parsed = priv.parseURL(r, priv.apiBaseURL());
          if (parsed === null) throw new TypeError(`${prefix}: Referrer '${r}' is not a valid URL.`);
          const href = priv.serializeURL(parsed);
          // Only a same-origin referrer is kept; anything else means "client".
          const base = priv.apiBaseURL();
          const sameOrigin = base !== undefined && priv.serializeOrigin(parsed) === priv.serializeOrigin(priv.parseURL(base));
          extra.referrer = href === "about:client" || !sameOrigin ? "about:client" : href;
        }
      }
      if (m.referrerPolicy !== undefined) extra.referrerPolicy = enumValue(m.referrerPolicy, referrerPolicies, "ReferrerPolicy", prefix);
      if (m.mode !== undefined) {
        extra.mode = enumValue(m.mode, requestModes, "RequestMode", prefix);
        if (extra.mode === "navigate") throw new TypeError(`${prefix}: Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.`);
      }
      if (m.credentials !== undefined) extra.credentials = enumValue(m.credentials, credentialsModes, "RequestCredentials", prefix);
      if (m.cache !== undefined) extra.cache = enumValue(m.cache, cacheModes, "RequestCache", prefix);
      if (extra.cache === "only-if-cached" && extra.mode !== "same-origin") {
        throw new TypeError(`${prefix}: 'only-if-cached' can be set only with 'same-origin' mode`);
      }
      if (m.priority !== undefined) extra.priority = enumValue(m.priority, priorities, "RequestPriority", prefix);
      if (m.duplex !== undefined) enumValue(m.duplex, duplexModes, "RequestDuplex", prefix);
      this.#extra = extra;
      if (m.redirect !== undefined) this.#redirect = enumValue(m.redirect, redirectModes, "RequestRedirect", prefix);
      if (m.integrity !== undefined) this.#integrity = converters.DOMString(m.integrity, prefix, "integrity");
      if (m.keepalive !== undefined) this.#keepalive = !!m.keepalive;
      if (m.method !== undefined) {
        this.#method = normalizeMethod(converters.ByteString(m.method, prefix, "method"), prefix);
      }
      if (m.signal !== undefined) {
        if (m.signal !== null && !priv.isAbortSignal(m.signal)) {
          throw new TypeError(`${prefix}: Failed to read the 'signal' property from 'RequestInit': Failed to convert value to 'AbortSignal'.`);
        }
        signal = m.signal;
      }
      if (m.cf !== undefined) this.#cf = m.cf;
      if (extra.mode === "no-cors" && this.#method !== "GET" && this.#method !== "HEAD" && this.#method !== "POST") {
        throw new TypeError(`${prefix}: '${this.#method}' is unsupported in no-cors mode.`);
      }
    }
    // A request owns its own signal that follows the given one (Fetch: "signal" is new).
    if (signal !== null) this.#signal = priv.AbortSignal.any([signal]);

    // Headers: from init, else a copy of the input's.
    const headers = priv.headersFromList([], "none");
    if (m !== null && m.headers !== undefined) {
      priv.headersFill(headers, m.headers, prefix);
    } else if (inputReq !== null) {
      priv.headersList(headers).push(...priv.headersList(inputReq.#getHeaders()));
    }
    priv.headersGuard(headers, "request");
    this.#headers = headers;

    const initBody = m !== null ? m.body : undefined;
    const inputBody = inputReq !== null ? inputReq.#body : null;
    if (((initBody !== undefined && initBody !== null) || (inputBody !== null && inputBody.source !== null)) &&
        (this.#method === "GET" || this.#method === "HEAD")) {
      throw new TypeError(`${prefix}: Request with GET/HEAD method cannot have body.`);
    }
    if (initBody !== undefined && initBody !== null) {
      const source = priv.extractBody(initBody, prefix);
      const type = priv.extractedBody.type;
      if (type !== null && !priv.headersHas(headers, "content-type")) priv.headersAppendRaw(headers, "content-type", type);
      if (this.#keepalive && source !== null && typeof source === "object" && priv.isReadableStream(source)) {
        throw new TypeError(`${prefix}: keepalive cannot be used with a ReadableStream body.`);
      }
      this.#body = priv.newBodyState(source);
      // The input's body is used even when the init replaces it.
      if (inputBody !== null && inputBody.source !== null) inputBody.disturbed = true;
    } else if (inputBody !== null && inputBody.source !== null) {
      if (priv.bodyUnusable(inputBody)) throw new TypeError(`${prefix}: Cannot construct a Request with a Request object that has already been used.`);
      // The new request takes the input's body; the input becomes used.
      this.#body = priv.bodyMove(inputBody);
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
  get destination() { Request.#check(this); return ""; }
  get referrer() {
    Request.#check(this);
    const r = this.#extra.referrer;
    return r === "about:client" ? "about:client" : r;
  }
  get referrerPolicy() { Request.#check(this); return this.#extra.referrerPolicy; }
  get mode() { Request.#check(this); return this.#extra.mode; }
  get credentials() { Request.#check(this); return this.#extra.credentials; }
  get cache() { Request.#check(this); return this.#extra.cache; }
  get isReloadNavigation() { Request.#check(this); return false; }
  get isHistoryNavigation() { Request.#check(this); return false; }
  get duplex() { Request.#check(this); return "half"; }

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
    c.#extra = this.#extra;
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
